using System.Net;
using System.Text.Json.Nodes;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Media;

/// <summary>Uploads processed in the background: states, polling, posts that wait for their media, failures, clean-up, crashes.</summary>
public sealed class MediaPipelineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Photos above 4 megapixels go to the workers; tests that need one use 3000×2000.
    private static Task<byte[]> LargeJpegAsync() => TestImages.JpegWithGpsAsync(3000, 2000);

    private static async Task<JsonNode> UploadAsync(TestUser user, byte[] bytes, HttpStatusCode expected)
    {
        using var response = await user.Client.SendUploadAsync(bytes);
        Assert.Equal(expected, response.StatusCode);
        return await Api.ReadSuccessAsync(response);
    }

    /// <summary>Keeps a media "processing" for as long as the test wants: its job is taken away.</summary>
    private static async Task StallAsync(PinholeApp app, string mediaId)
    {
        await using var connection = await ((Db)app.Services.GetService(typeof(Db))!).OpenAsync(Cancel);
        await connection.ExecuteAsync("DELETE FROM media_jobs WHERE media_id = @id; UPDATE media_attachments SET state = 'processing' WHERE id = @id",
            new { id = long.Parse(mediaId, System.Globalization.CultureInfo.InvariantCulture) });
    }

    /// <summary>Gives a stalled media its job back; the workers find it on their next poll.</summary>
    private static async Task ResumeAsync(PinholeApp app, string mediaId)
    {
        await using var connection = await ((Db)app.Services.GetService(typeof(Db))!).OpenAsync(Cancel);
        await connection.ExecuteAsync("INSERT INTO media_jobs (media_id, attempts, available_at, created_at) VALUES (@id, 0, 0, 0)",
            new { id = long.Parse(mediaId, System.Globalization.CultureInfo.InvariantCulture) });
    }

    [Fact]
    public async Task ASmallPhotoIsReadyInTheUploadResponse()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var media = await UploadAsync(minji, await TestImages.PngAsync(400, 300), HttpStatusCode.OK);

        Assert.Equal("ready", media["pinhole"]!["state"]!.GetValue<string>());
        Assert.NotNull(media["url"]!.GetValue<string>());
        var renditions = media["pinhole"]!["renditions"]!.AsArray();
        // No size above the photo's own, and one square crop no larger than its short edge.
        Assert.Equal(["original", "320", "square-320"], renditions.Select(r => r!["name"]!.GetValue<string>()).Distinct());
        Assert.All(renditions.Where(r => r!["name"]!.GetValue<string>() == "original"), r => Assert.Equal(400, r!["width"]!.GetValue<int>()));
        Assert.All(renditions.Where(r => r!["name"]!.GetValue<string>() == "square-320"), r => Assert.Equal(300, r!["width"]!.GetValue<int>()));
    }

    [Fact]
    public async Task ALargePhotoIsProcessedInTheBackgroundIntoEverySize()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var accepted = await UploadAsync(minji, await LargeJpegAsync(), HttpStatusCode.Accepted);
        Assert.Null(accepted["url"]);
        Assert.Equal("processing", accepted["pinhole"]!["state"]!.GetValue<string>());

        using var done = await minji.WaitForMediaAsync(accepted.Id());
        var media = await Api.ReadSuccessAsync(done);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Equal(2048, media["meta"]!["original"]!["width"]!.GetValue<int>());
        Assert.Equal(640, media["meta"]!["small"]!["width"]!.GetValue<int>());
        var renditions = media["pinhole"]!["renditions"]!.AsArray();
        Assert.Equal(["original", "1080", "640", "320", "square-640", "square-320"], renditions.Select(r => r!["name"]!.GetValue<string>()).Distinct());
        Assert.Equal(["image/jpeg", "image/webp"], renditions.Select(r => r!["content_type"]!.GetValue<string>()).Distinct().Order());
        foreach (var rendition in renditions)
        {
            var bytes = await minji.Client.GetByteArrayAsync(rendition!["url"]!.GetValue<string>(), Cancel);
            Assert.Equal(rendition["size"]!.GetValue<long>(), bytes.Length);
            Assert.Empty(MetadataExtractor.ImageMetadataReader.ReadMetadata(new MemoryStream(bytes)).OfType<MetadataExtractor.Formats.Exif.GpsDirectory>());
        }
    }

    [Fact]
    public async Task TheVersionOneUploadWaitsUntilTheMediaIsReady()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        using var form = new MultipartFormDataContent { { new ByteArrayContent(await LargeJpegAsync()), "file", "big.jpg" } };

        using var response = await minji.Client.PostAsync("/api/v1/media", form, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull((await Api.ReadSuccessAsync(response))["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task APostWithMediaStillProcessingIsRefusedUnlessItAsksToWait()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await UploadAsync(minji, await TestImages.PngAsync(), HttpStatusCode.OK);
        await StallAsync(app, media.Id());

        var error = await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "Mansu Hill"), ("media_ids[]", media.Id())), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("still being processed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APostThatWaitsGoesOutOnceItsMediaIsReady()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        await reader.FollowAsync(minji);
        var media = await UploadAsync(minji, await TestImages.PngAsync(), HttpStatusCode.OK);
        await StallAsync(app, media.Id());

        async Task<HttpResponseMessage> PostAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/statuses")
            {
                Content = Api.Form(("status", "Children at Mansu Hill #pyongyang"), ("media_ids[]", media.Id())),
            };
            request.Headers.Add("Pinhole-Wait-For-Media", "true");
            request.Headers.Add("Idempotency-Key", "walk-away-1");
            return await minji.Client.SendAsync(request, Cancel);
        }

        using var held = await PostAsync();
        Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        var heldPost = await Api.ReadSuccessAsync(held);
        Assert.Equal("waiting_for_media", heldPost["pinhole"]!["state"]!.GetValue<string>());
        Assert.Equal([media.Id()], heldPost["params"]!["media_ids"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal([heldPost.Id()], (await minji.Client.GetArrayAsync("/api/v1/scheduled_statuses")).Ids());
        using (var retry = await PostAsync())
            Assert.Equal(heldPost.Id(), (await Api.ReadSuccessAsync(retry)).Id());
        Assert.Empty(await reader.Client.GetArrayAsync("/api/v1/timelines/home"));

        await ResumeAsync(app, media.Id());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonArray home;
        while ((home = await reader.Client.GetArrayAsync("/api/v1/timelines/home")).Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50, Cancel);

        var post = Assert.Single(home)!;
        Assert.Equal(media.Id(), post["media_attachments"]![0]!.Id());
        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/scheduled_statuses"));
        using var again = await PostAsync();
        Assert.Equal(post.Id(), (await Api.ReadSuccessAsync(again)).Id());
        Assert.Equal(1, (await minji.Client.GetJsonAsync("/api/v1/accounts/verify_credentials"))["statuses_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task ADamagedPhotoEndsAsFailedMediaWithTheReasonAndLeavesNothingBehind()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var jpeg = await LargeJpegAsync();

        var accepted = await UploadAsync(minji, jpeg[..(jpeg.Length * 2 / 3)], HttpStatusCode.Accepted);
        using var failed = await minji.WaitForMediaAsync(accepted.Id());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, failed.StatusCode);
        Assert.Contains("damaged or truncated", (await Api.ReadErrorAsync(failed)), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.Storage.DataDir, "sources")));
        await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "x"), ("media_ids[]", accepted.Id())), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task AHeldPostWhoseMediaFailsKeepsTheReason()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var jpeg = await LargeJpegAsync();
        var media = await UploadAsync(minji, jpeg[..(jpeg.Length / 2)], HttpStatusCode.Accepted);
        await StallAsync(app, media.Id());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/statuses") { Content = Api.Form(("status", "doomed"), ("media_ids[]", media.Id())) };
        request.Headers.Add("Pinhole-Wait-For-Media", "true");
        var held = await Api.ReadSuccessAsync(await minji.Client.SendAsync(request, Cancel));

        await ResumeAsync(app, media.Id());
        JsonNode listed;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((listed = await minji.Client.GetJsonAsync($"/api/v1/scheduled_statuses/{held.Id()}"))["pinhole"]!["state"]!.GetValue<string>() != "failed"
               && DateTime.UtcNow < deadline)
            await Task.Delay(50, Cancel);

        Assert.Contains("damaged or truncated", listed["pinhole"]!["failure"]!.GetValue<string>(), StringComparison.Ordinal);
        await Api.ReadSuccessAsync(await minji.Client.DeleteAsync($"/api/v1/scheduled_statuses/{held.Id()}", Cancel));
        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/scheduled_statuses"));
    }

    [Fact]
    public async Task TheUploadAsReceivedIsDeletedOnceItsPostIsOut()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await UploadAsync(minji, await TestImages.PngAsync(), HttpStatusCode.OK);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(app.Storage.DataDir, "sources")));

        await minji.PostStatusAsync("out", mediaIds: media.Id());

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.Storage.DataDir, "sources")));
    }

    [Fact]
    public async Task UploadsNeverPostedAreDeletedAfterADay()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Media:JanitorSeconds"] = "1" });
        var minji = await app.RegisterAsync("minji");
        var kept = await UploadAsync(minji, await TestImages.PngAsync(), HttpStatusCode.OK);
        var forgotten = await UploadAsync(minji, await TestImages.PngAsync(), HttpStatusCode.OK);
        await minji.PostStatusAsync("kept", mediaIds: kept.Id());

        app.Clock.Advance(TimeSpan.FromHours(25));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await minji.Client.GetAsync($"/api/v1/media/{forgotten.Id()}", Cancel)).StatusCode != HttpStatusCode.NotFound && DateTime.UtcNow < deadline)
            await Task.Delay(100, Cancel);

        await minji.Client.GetAsync($"/api/v1/media/{forgotten.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await minji.Client.GetAsync(forgotten["url"]!.GetValue<string>(), Cancel)).StatusCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.Storage.DataDir, "sources")));
        Assert.Equal(HttpStatusCode.OK, (await minji.Client.GetAsync(kept["url"]!.GetValue<string>(), Cancel)).StatusCode);
    }

    [Fact]
    public async Task AJobInterruptedByKillNineResumesWhenTheServerStartsAgain()
    {
        var storage = await PinholeApp.NewStorageAsync();
        try
        {
            var settings = new Dictionary<string, string?> { ["Pinhole:Media:Workers"] = "1" };
            await using var first = await ServerProcess.StartAsync(storage, settings);
            var minji = await first.RegisterAsync("minji");
            var big = await TestImages.JpegWithGpsAsync(6000, 4000);
            using var upload = await minji.Client.SendUploadAsync(big);
            var media = await Api.ReadSuccessAsync(upload);
            var id = long.Parse(media.Id(), System.Globalization.CultureInfo.InvariantCulture);

            await using var db = storage.PostgresConnectionString is { } postgres ? Db.Postgres(postgres) : Db.Sqlite(Path.Combine(storage.DataDir, "pinhole.db"));
            await using (var connection = await db.OpenAsync(Cancel))
            {
                while (await connection.ExecuteScalarAsync<string?>("SELECT locked_by FROM media_jobs WHERE media_id = @id", new { id }) is null)
                    await Task.Delay(5, Cancel);
            }
            first.Kill();
            await using (var connection = await db.OpenAsync(Cancel))
                Assert.Equal("processing", await connection.ExecuteScalarAsync<string>("SELECT state FROM media_attachments WHERE id = @id", new { id }));

            await using var second = await ServerProcess.StartAsync(storage, settings);
            var again = new TestUser(minji.Username, minji.Id, minji.Token, second.CreateClient().WithToken(minji.Token));
            using var done = await again.WaitForMediaAsync(media.Id());

            Assert.Equal(HttpStatusCode.OK, done.StatusCode);
            var ready = await Api.ReadSuccessAsync(done);
            Assert.Equal(2048, ready["meta"]!["original"]!["width"]!.GetValue<int>());
            Assert.Equal(HttpStatusCode.OK, (await again.Client.GetAsync(ready["url"]!.GetValue<string>(), Cancel)).StatusCode);
        }
        finally
        {
            await storage.DeleteAsync();
        }
    }
}
