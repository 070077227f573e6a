using System.Net;
using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Uploads;

/// <summary>
/// Timing is what these tests measure (bytes resent after each drop), so they run on their own, not beside the
/// rest of the suite's ffmpeg and database work on two cores.
/// </summary>
[CollectionDefinition(DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>
/// The journalist's upload: a 20 MB clip over a link that drops every megabyte, through a proxy that cuts, delays and
/// black-holes traffic. It arrives once, becomes a post once, and costs little more than its own size in bytes sent.
/// </summary>
[Collection(typeof(RunsAlone))]
public sealed class BadLinkTests
{
    private const long Megabyte = 1024 * 1024;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // A cut "silent" on the server's side, as a dead radio link is: the server keeps what reached it.
    // Made once per run: 20 s of noisy 640×360 at about 8 Mbit/s, a little over 20 MB, the size of a phone clip.
    private static readonly Lazy<Task<string>> Clip = new(async () =>
    {
        var bytes = await TestVideos.NoisyClipAsync(seconds: 20, bitrateKbps: 8200);
        var path = Path.Combine(Path.GetTempPath(), $"pinhole-clip-{Guid.NewGuid():N}.mp4");
        await File.WriteAllBytesAsync(path, bytes);
        return path;
    });

    private static readonly Dictionary<string, string> Metadata = new()
    {
        ["filename"] = "mansu-hill.mp4",
        ["filetype"] = "video/mp4",
        ["description"] = "Children at Mansu Hill",
    };

    private static async Task<JsonNode> ReadyAsync(TestUser user, string mediaId)
    {
        using var ready = await user.WaitForMediaAsync(mediaId);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        return await Api.ReadSuccessAsync(ready);
    }

    [Fact]
    public async Task A20MegabyteClipCrossesALinkThatDropsEveryMegabyteAndBecomesAPost()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await Clip.Value;
        var size = new FileInfo(clip).Length;
        Assert.True(size >= 20 * Megabyte, $"the clip is {size} bytes");
        await using var proxy = FlakyProxy.Start(app.BaseAddress, new FlakyProxyOptions { CutAfterBytes = Megabyte, SilentCut = true, Delay = TimeSpan.FromMilliseconds(2) });
        // Chunks larger than what the link carries between drops, without checksums: each cut chunk keeps what arrived.
        using var client = new TusClient(new TusClientOptions { Checksums = false });

        var mediaId = await client.UploadAsync(new Uri(proxy.BaseAddress, "/api/v1/pinhole/uploads"), minji.Token, clip, Metadata, "clip-1", chunkSize: 4 * 1024 * 1024, Cancel);

        Assert.True(proxy.Cuts >= 19, $"{proxy.Cuts} cuts");
        Assert.True(proxy.BytesClientToServer <= size * 1.05, $"{proxy.BytesClientToServer} bytes sent for a file of {size}");
        var media = await ReadyAsync(minji, mediaId);
        Assert.Equal("video", media["type"]!.GetValue<string>());
        Assert.Equal("Children at Mansu Hill", media["description"]!.GetValue<string>());
        var post = await minji.PostStatusAsync("Mansu Hill this morning #pyongyang", "public", null, mediaId);
        Assert.Equal(mediaId, post["media_attachments"]![0]!.Id());
    }

    [Fact]
    public async Task ChecksummedChunksSmallerThanTheLinkCarriesAlsoGetThrough()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await Clip.Value;
        await using var proxy = FlakyProxy.Start(app.BaseAddress, new FlakyProxyOptions { CutAfterBytes = Megabyte, SilentCut = true });
        using var client = new TusClient();

        var mediaId = await client.UploadAsync(new Uri(proxy.BaseAddress, "/api/v1/pinhole/uploads"), minji.Token, clip, Metadata, "clip-sums", chunkSize: 256 * 1024, Cancel);

        Assert.True(proxy.Cuts >= 19, $"{proxy.Cuts} cuts");
        Assert.Equal("video", (await ReadyAsync(minji, mediaId))["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task TusJsClientFinishesTheSameUploadOverTheSameLink()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await Clip.Value;
        var size = new FileInfo(clip).Length;
        await using var proxy = FlakyProxy.Start(app.BaseAddress, new FlakyProxyOptions { CutAfterBytes = Megabyte, SilentCut = true, Delay = TimeSpan.FromMilliseconds(2) });

        var mediaId = await NodeTus.UploadAsync(new Uri(proxy.BaseAddress, "/api/v1/pinhole/uploads"), minji.Token, clip, Metadata,
            "clip-js", chunkSize: (int)(4 * Megabyte), TimeSpan.FromMinutes(3), Cancel);

        Assert.True(proxy.Cuts >= 19, $"{proxy.Cuts} cuts");
        Assert.True(proxy.BytesClientToServer <= size * 1.05, $"{proxy.BytesClientToServer} bytes sent for a file of {size}");
        Assert.Equal("video", (await ReadyAsync(minji, mediaId))["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUploadWaitsOutALinkThatGoesSilentAndCarriesOn()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await Clip.Value;
        await using var proxy = FlakyProxy.Start(app.BaseAddress, FlakyProxyOptions.WithRoundTrip(TimeSpan.FromMilliseconds(20)));
        using var client = new TusClient(new TusClientOptions { RequestTimeout = TimeSpan.FromSeconds(3) });

        var upload = client.UploadAsync(new Uri(proxy.BaseAddress, "/api/v1/pinhole/uploads"), minji.Token, clip, Metadata, "clip-2", chunkSize: (int)Megabyte, Cancel);
        while (proxy.BytesClientToServer < 5 * Megabyte && !upload.IsCompleted)
            await Task.Delay(20, Cancel);
        await proxy.BlackHoleAsync(TimeSpan.FromSeconds(4), Cancel);
        var mediaId = await upload;

        Assert.True(client.Retries >= 1, "the black hole was never noticed");
        Assert.Equal("video", (await ReadyAsync(minji, mediaId))["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task KillingTheServerMidUploadStillEndsInExactlyOnePost()
    {
        var storage = await PinholeApp.NewStorageAsync();
        try
        {
            var first = await ServerProcess.StartAsync(storage, new Dictionary<string, string?>());
            var minji = await first.RegisterAsync("minji");
            var clip = await Clip.Value;
            await using var proxy = FlakyProxy.Start(first.BaseAddress, new FlakyProxyOptions { CutAfterBytes = 3 * Megabyte, SilentCut = true });
            using var client = new TusClient(new TusClientOptions { RequestTimeout = TimeSpan.FromSeconds(5) });

            var upload = client.UploadAsync(new Uri(proxy.BaseAddress, "/api/v1/pinhole/uploads"), minji.Token, clip, Metadata, "clip-3", chunkSize: 256 * 1024, Cancel);
            while (proxy.BytesClientToServer < 8 * Megabyte)
                await Task.Delay(10, Cancel);
            first.Kill();
            await first.DisposeAsync();
            await using var second = await ServerProcess.StartAsync(storage, new Dictionary<string, string?>());
            proxy.Target = new DnsEndPoint(second.BaseAddress.Host, second.BaseAddress.Port);
            var mediaId = await upload;

            // The post is written at once, waiting for its media; the answer is "lost", so the app sends it again.
            using var client2 = second.CreateClient().WithToken(minji.Token);
            var answers = new List<string>();
            for (var attempt = 0; attempt < 2; attempt++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/statuses")
                {
                    Content = Api.Form(("status", "Mansu Hill #pyongyang"), ("media_ids[]", mediaId), ("pinhole_wait_for_media", "true")),
                };
                request.Headers.Add("Idempotency-Key", "post-clip-3");
                using var response = await client2.SendAsync(request, Cancel);
                answers.Add((await Api.ReadSuccessAsync(response)).Id());
            }
            Assert.Equal(answers[0], answers[1]);

            var user = new TestUser(minji.Username, minji.Id, minji.Token, client2);
            await ReadyAsync(user, mediaId);
            JsonArray statuses;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            do
            {
                await Task.Delay(100, Cancel);
                statuses = await client2.GetArrayAsync($"/api/v1/accounts/{minji.Id}/statuses");
            }
            while (statuses.Count == 0 && DateTime.UtcNow < deadline);
            var post = Assert.Single(statuses);
            Assert.Equal(mediaId, post!["media_attachments"]![0]!.Id());
        }
        finally
        {
            await storage.DeleteAsync();
        }
    }
}
