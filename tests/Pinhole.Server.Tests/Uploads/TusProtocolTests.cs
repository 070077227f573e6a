using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Pinhole.Server.Features.Uploads;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Uploads;

/// <summary>The tus 1.0 protocol at /api/v1/pinhole/uploads: core, creation, creation-with-upload, termination, expiration, checksum.</summary>
public sealed class TusProtocolTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<Uri> CreateAsync(TestUser user, long length, string? metadata = null)
    {
        using var created = await user.Client.SendAsync(Tus.Create(length, metadata), Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return created.Headers.Location!;
    }

    /// <summary>HEAD answers carry no body, so a refusal is only its status.</summary>
    private static async Task<HttpStatusCode> HeadStatusAsync(HttpClient client, Uri upload)
    {
        using var response = await client.SendAsync(Tus.Head(upload), Cancel);
        return response.StatusCode;
    }

    [Fact]
    public async Task OptionsTellsTheVersionExtensionsAndLimits()
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Options, Tus.Endpoint), Cancel);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("1.0.0", Tus.Header(response, "Tus-Version"));
        Assert.Equal("1.0.0", Tus.Header(response, "Tus-Resumable"));
        Assert.Equal("creation,creation-with-upload,termination,expiration,checksum", Tus.Header(response, "Tus-Extension"));
        Assert.Equal("524288000", Tus.Header(response, "Tus-Max-Size"));
        Assert.Contains("sha256", Tus.Header(response, "Tus-Checksum-Algorithm")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APhotoSentInChunksBecomesMediaWithItsAltTextAndTheLastPatchNamesIt()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var photo = await TestImages.JpegWithGpsAsync(400, 300);
        var upload = await CreateAsync(minji, photo.Length, Tus.Metadata(("filename", "mansu.jpg"), ("filetype", "image/jpeg"), ("description", "Mansu Hill at dawn"), ("filter", "warm")));

        using var first = await minji.Client.SendAsync(Tus.Patch(upload, 0, photo[..1000]), Cancel);
        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(1000, Tus.Offset(first));
        Assert.Null(Tus.Header(first, TusEndpoints.MediaIdHeader));
        using var head = await minji.Client.SendAsync(Tus.Head(upload), Cancel);
        Assert.Equal(1000, Tus.Offset(head));
        Assert.Equal(photo.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Tus.Header(head, "Upload-Length"));
        Assert.Equal("no-store", head.Headers.CacheControl!.ToString());
        Assert.NotNull(Tus.Header(head, "Upload-Expires"));
        using var last = await minji.Client.SendAsync(Tus.Patch(upload, 1000, photo[1000..], Tus.Sha256(photo[1000..])), Cancel);

        Assert.Equal(HttpStatusCode.NoContent, last.StatusCode);
        Assert.Equal(photo.Length, Tus.Offset(last));
        var mediaId = Tus.Header(last, TusEndpoints.MediaIdHeader)!;
        using var again = await minji.Client.SendAsync(Tus.Head(upload), Cancel);
        Assert.Equal(mediaId, Tus.Header(again, TusEndpoints.MediaIdHeader));
        using var ready = await minji.WaitForMediaAsync(mediaId);
        var media = await Api.ReadSuccessAsync(ready);
        Assert.Equal("Mansu Hill at dawn", media["description"]!.GetValue<string>());
        Assert.Equal("warm", media["pinhole"]!["filter"]!.GetValue<string>());
        var status = await minji.PostStatusAsync("#pyongyang", "public", null, mediaId);
        Assert.Equal(mediaId, status["media_attachments"]![0]!.Id());
    }

    [Fact]
    public async Task AWholeFileCanGoWithTheRequestThatCreatesTheUpload()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var photo = await TestImages.PngAsync(200, 100);

        using var created = await minji.Client.SendAsync(Tus.Create(photo.Length, firstBytes: photo), Cancel);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(photo.Length, Tus.Offset(created));
        Assert.NotNull(Tus.Header(created, TusEndpoints.MediaIdHeader));
    }

    [Fact]
    public async Task ARetriedCreationWithTheSameIdempotencyKeyFindsTheSameUpload()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        using var first = await minji.Client.SendAsync(Tus.Create(5000, idempotencyKey: "clip-1"), Cancel);
        using var chunk = await minji.Client.SendAsync(Tus.Patch(first.Headers.Location!, 0, new byte[100]), Cancel);

        using var retry = await minji.Client.SendAsync(Tus.Create(5000, idempotencyKey: "clip-1"), Cancel);

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(100, Tus.Offset(retry));
        using var other = await minji.Client.SendAsync(Tus.Create(5000, idempotencyKey: "clip-2"), Cancel);
        Assert.NotEqual(first.Headers.Location, other.Headers.Location);
    }

    [Fact]
    public async Task AChunkCutOffMidWayKeepsTheBytesThatArrived()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var upload = await CreateAsync(minji, 1_000_000);

        // A raw socket: announce 1,000,000 bytes, send 300,000, and drop the line, as a phone going into a tunnel does.
        using (var socket = new TcpClient())
        {
            await socket.ConnectAsync(upload.Host, upload.Port, Cancel);
            var stream = socket.GetStream();
            var headers = $"PATCH {upload.PathAndQuery} HTTP/1.1\r\nHost: {upload.Authority}\r\nAuthorization: Bearer {minji.Token}\r\n" +
                "Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: 1000000\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(headers), Cancel);
            await stream.WriteAsync(new byte[300_000], Cancel);
            await stream.FlushAsync(Cancel);
            // Once the server has written what it read (the bytes that "arrived"), the line drops.
            var part = app.Services.GetRequiredService<ResumableUploads>().PathOf(long.Parse(upload.Segments[^1], System.Globalization.CultureInfo.InvariantCulture));
            var written = DateTime.UtcNow.AddSeconds(10);
            while (new FileInfo(part).Length < 300_000 && DateTime.UtcNow < written)
                await Task.Delay(20, Cancel);
            socket.Client.Shutdown(SocketShutdown.Both);
        }

        long offset = 0;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (offset < 300_000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Cancel);
            using var head = await minji.Client.SendAsync(Tus.Head(upload), Cancel);
            offset = Tus.Offset(head);
        }
        Assert.Equal(300_000, offset);
        using var rest = await minji.Client.SendAsync(Tus.Patch(upload, 300_000, new byte[700_000]), Cancel);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rest.StatusCode);
        Assert.Contains("not an image or video", await rest.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConnectionThatWentSilentIsLetGoWhenTheClientComesBack()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var upload = await CreateAsync(minji, 1_000_000);
        var part = app.Services.GetRequiredService<ResumableUploads>().PathOf(long.Parse(upload.Segments[^1], System.Globalization.CultureInfo.InvariantCulture));

        // The link dies without a FIN or RST reaching the server: its request would wait for bytes that never come.
        using var silent = new TcpClient();
        await silent.ConnectAsync(upload.Host, upload.Port, Cancel);
        var headers = $"PATCH {upload.PathAndQuery} HTTP/1.1\r\nHost: {upload.Authority}\r\nAuthorization: Bearer {minji.Token}\r\n" +
            "Tus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream\r\nContent-Length: 1000000\r\n\r\n";
        await silent.GetStream().WriteAsync(Encoding.ASCII.GetBytes(headers), Cancel);
        await silent.GetStream().WriteAsync(new byte[250_000], Cancel);
        var written = DateTime.UtcNow.AddSeconds(10);
        while (new FileInfo(part).Length < 250_000 && DateTime.UtcNow < written)
            await Task.Delay(20, Cancel);

        var asked = System.Diagnostics.Stopwatch.StartNew();
        using var head = await minji.Client.SendAsync(Tus.Head(upload), Cancel);

        Assert.Equal(250_000, Tus.Offset(head));
        Assert.True(asked.Elapsed < TimeSpan.FromSeconds(4), $"the client waited {asked.Elapsed} for the stale request");
    }

    [Fact]
    public async Task AChunkWhoseChecksumDoesNotMatchIsDiscarded()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var upload = await CreateAsync(minji, 2000);
        var chunk = Encoding.ASCII.GetBytes(new string('a', 1000));

        using var wrong = await minji.Client.SendAsync(Tus.Patch(upload, 0, chunk, Tus.Sha256(new byte[1000])), Cancel);
        Assert.Equal(460, (int)wrong.StatusCode);
        using var head = await minji.Client.SendAsync(Tus.Head(upload), Cancel);
        Assert.Equal(0, Tus.Offset(head));

        await minji.Client.SendAsync(Tus.Patch(upload, 0, chunk, "md5 AAAA"), Cancel).ExpectErrorAsync(HttpStatusCode.BadRequest);
        using var right = await minji.Client.SendAsync(Tus.Patch(upload, 0, chunk, Tus.Sha256(chunk)), Cancel);
        Assert.Equal(1000, Tus.Offset(right));
    }

    [Fact]
    public async Task RequestsThatBreakTheProtocolAreRefusedWithTheReason()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var upload = await CreateAsync(minji, 100);

        var noVersion = new HttpRequestMessage(HttpMethod.Delete, upload);
        await minji.Client.SendAsync(noVersion, Cancel).ExpectErrorAsync(HttpStatusCode.PreconditionFailed);
        var noLength = Tus.Create(1);
        noLength.Headers.Remove("Upload-Length");
        await minji.Client.SendAsync(noLength, Cancel).ExpectErrorAsync(HttpStatusCode.BadRequest);
        await minji.Client.SendAsync(Tus.Create(600L * 1024 * 1024), Cancel).ExpectErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        await minji.Client.SendAsync(Tus.Create(100, "filename not-base64!"), Cancel).ExpectErrorAsync(HttpStatusCode.BadRequest);
        Assert.Contains("no filter called", await minji.Client.SendAsync(Tus.Create(100, Tus.Metadata(("filter", "clarendon"))), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        Assert.Contains("Description is too long", await minji.Client.SendAsync(Tus.Create(100, Tus.Metadata(("description", new string('x', 1501)))), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
        Assert.Contains("is at 0", await minji.Client.SendAsync(Tus.Patch(upload, 50, new byte[10]), Cancel)
            .ExpectErrorAsync(HttpStatusCode.Conflict), StringComparison.Ordinal);
        var wrongType = Tus.Patch(upload, 0, new byte[10]);
        wrongType.Content!.Headers.ContentType = new("application/octet-stream");
        await minji.Client.SendAsync(wrongType, Cancel).ExpectErrorAsync(HttpStatusCode.UnsupportedMediaType);
        await minji.Client.SendAsync(Tus.Patch(upload, 0, new byte[101]), Cancel).ExpectErrorAsync(HttpStatusCode.RequestEntityTooLarge);
        using var head = await minji.Client.SendAsync(Tus.Head(upload), Cancel);
        Assert.Equal(0, Tus.Offset(head));
        Assert.Equal(HttpStatusCode.NotFound, await HeadStatusAsync(minji.Client, new Uri(upload, "/api/v1/pinhole/uploads/12345")));
    }

    [Fact]
    public async Task OnlyTheAccountThatStartedAnUploadCanSeeResumeOrDeleteIt()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var eunji = await app.RegisterAsync("eunji");
        var upload = await CreateAsync(minji, 100);
        using var anonymous = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, await HeadStatusAsync(eunji.Client, upload));
        await eunji.Client.SendAsync(Tus.Patch(upload, 0, new byte[10]), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await eunji.Client.SendAsync(Tus.Delete(upload), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.Unauthorized, await HeadStatusAsync(anonymous, upload));
        await anonymous.SendAsync(Tus.Create(100), Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);

        using var head = await minji.Client.SendAsync(Tus.Head(upload), Cancel);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
    }

    [Fact]
    public async Task DeletingAnUploadRemovesItAndItsBytes()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var upload = await CreateAsync(minji, 100);
        (await minji.Client.SendAsync(Tus.Patch(upload, 0, new byte[40]), Cancel)).Dispose();
        var file = app.Services.GetRequiredService<ResumableUploads>().PathOf(long.Parse(upload.Segments[^1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(File.Exists(file));

        using var deleted = await minji.Client.SendAsync(Tus.Delete(upload), Cancel);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(File.Exists(file));
        Assert.Equal(HttpStatusCode.NotFound, await HeadStatusAsync(minji.Client, upload));
    }

    [Fact]
    public async Task AnUnfinishedUploadExpiresAfterAWeekAndIsSweptAway()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var upload = await CreateAsync(minji, 100);
        (await minji.Client.SendAsync(Tus.Patch(upload, 0, new byte[40]), Cancel)).Dispose();
        var uploads = app.Services.GetRequiredService<ResumableUploads>();
        var file = uploads.PathOf(long.Parse(upload.Segments[^1], System.Globalization.CultureInfo.InvariantCulture));

        app.Clock.Advance(TimeSpan.FromDays(6));
        using var stillThere = await minji.Client.SendAsync(Tus.Head(upload), Cancel);
        Assert.Equal(40, Tus.Offset(stillThere));
        app.Clock.Advance(TimeSpan.FromDays(1.1));
        await minji.Client.SendAsync(Tus.Patch(upload, 40, new byte[10]), Cancel).ExpectErrorAsync(HttpStatusCode.Gone);
        Assert.Equal(1, await uploads.SweepAsync(Cancel));

        Assert.False(File.Exists(file));
        Assert.Equal(HttpStatusCode.NotFound, await HeadStatusAsync(minji.Client, upload));
    }

    [Fact]
    public async Task AnAccountHasALimitOfUploadsInProgress()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Uploads:MaxInProgress"] = "2" });
        var minji = await app.RegisterAsync("minji");
        var first = await CreateAsync(minji, 100);
        await CreateAsync(minji, 100);

        Assert.Contains("Too many uploads in progress", await minji.Client.SendAsync(Tus.Create(100), Cancel)
            .ExpectErrorAsync(HttpStatusCode.TooManyRequests), StringComparison.Ordinal);
        (await minji.Client.SendAsync(Tus.Delete(first), Cancel)).Dispose();
        await CreateAsync(minji, 100);
    }

    [Fact]
    public async Task AnUploadSurvivesARestartOfTheServer()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var photo = await TestImages.JpegWithGpsAsync(300, 200);
        var upload = await CreateAsync(minji, photo.Length);
        (await minji.Client.SendAsync(Tus.Patch(upload, 0, photo[..2000]), Cancel)).Dispose();

        await using var restarted = await app.RestartAsync();
        using var client = restarted.CreateClient().WithToken(minji.Token);
        var resumed = new Uri(restarted.BaseAddress, upload.PathAndQuery);
        using var head = await client.SendAsync(Tus.Head(resumed), Cancel);
        Assert.Equal(2000, Tus.Offset(head));
        using var rest = await client.SendAsync(Tus.Patch(resumed, 2000, photo[2000..]), Cancel);

        Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
        Assert.NotNull(Tus.Header(rest, TusEndpoints.MediaIdHeader));
    }
}
