using System.Net;
using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Media;

/// <summary>Short videos, animated GIFs and audio through the API, with real ffmpeg: what is served, and what is refused.</summary>
public sealed class VideoTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<byte[]> DownloadAsync(TestUser user, JsonNode media, string field = "url")
    {
        using var response = await user.Client.GetAsync(media[field]!.GetValue<string>(), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Cancel);
    }

    private static IEnumerable<string> Renditions(JsonNode media, string contentType) =>
        media["pinhole"]!["renditions"]!.AsArray().Where(r => r!["content_type"]!.GetValue<string>() == contentType).Select(r => r!["url"]!.GetValue<string>());

    /// <summary>No tag that says where or with what a clip was made, in any group exiftool knows.</summary>
    private static void AssertNoLocationOrDevice(JsonObject tags)
    {
        foreach (var (name, value) in tags)
        {
            Assert.DoesNotContain("GPS", name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Location", name, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Make", name, StringComparison.Ordinal);
            Assert.DoesNotContain("Model", name, StringComparison.Ordinal);
            Assert.DoesNotContain("125.7625", value?.ToJsonString() ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain("iPhone", value?.ToJsonString() ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task APhoneClipBecomesFaststartH264InTwoSizesWithAPosterAndNoLocation()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await TestVideos.PhoneClipAsync(1280, 720, seconds: 2);
        Assert.Contains("GPSCoordinates", (await TestVideos.TagsAsync(clip)).ToJsonString(), StringComparison.Ordinal);

        using var upload = await minji.Client.SendUploadAsync(clip, "IMG_0001.MOV", "video/quicktime");
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var accepted = await Api.ReadSuccessAsync(upload);
        Assert.Null(accepted["url"]);
        using var done = await minji.WaitForMediaAsync(accepted.Id());
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var media = await Api.ReadSuccessAsync(done);

        Assert.Equal("video", media["type"]!.GetValue<string>());
        Assert.Equal(1280, media["meta"]!["width"]!.GetValue<int>());
        Assert.Equal(720, media["meta"]!["height"]!.GetValue<int>());
        Assert.Equal(30, media["meta"]!["fps"]!.GetValue<int>());
        Assert.InRange(media["meta"]!["duration"]!.GetValue<double>(), 1.9, 2.1);
        Assert.StartsWith("0:00:0", media["meta"]!["length"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(media["blurhash"]);
        var mp4s = Renditions(media, "video/mp4").ToList();
        Assert.Equal(2, mp4s.Count);

        foreach (var url in mp4s)
        {
            var served = await DownloadAsync(minji, new JsonObject { ["url"] = url });
            var boxes = TestVideos.TopLevelBoxes(served).ToList();
            Assert.True(boxes.IndexOf("moov") < boxes.IndexOf("mdat"), $"moov must precede mdat: {string.Join(",", boxes)}");
            var probe = await TestVideos.ProbeAsync(served);
            var streams = probe["streams"]!.AsArray();
            Assert.Equal("h264", streams.Single(s => s!["codec_type"]!.GetValue<string>() == "video")!["codec_name"]!.GetValue<string>());
            Assert.Equal("aac", streams.Single(s => s!["codec_type"]!.GetValue<string>() == "audio")!["codec_name"]!.GetValue<string>());
            AssertNoLocationOrDevice(await TestVideos.TagsAsync(served));
        }
        var small = await TestVideos.ProbeAsync(await DownloadAsync(minji, new JsonObject { ["url"] = mp4s[1] }));
        Assert.Equal(360, small["streams"]!.AsArray().Single(s => s!["codec_type"]!.GetValue<string>() == "video")!["height"]!.GetValue<int>());

        var poster = await DownloadAsync(minji, media, "preview_url");
        Assert.Equal(0xFF, poster[0]);
        AssertNoLocationOrDevice(await TestVideos.TagsAsync(poster));
    }

    [Fact]
    public async Task AnIPhoneClipFilmedUprightIsServedUpright()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await TestVideos.PhoneClipAsync(640, 360, seconds: 1, rotation: 90);

        var media = await minji.UploadAndWaitAsync(clip, "IMG_0002.MOV", "video/quicktime");

        Assert.Equal(360, media["meta"]!["width"]!.GetValue<int>());
        Assert.Equal(640, media["meta"]!["height"]!.GetValue<int>());
        var video = (await TestVideos.ProbeAsync(await DownloadAsync(minji, media)))["streams"]!.AsArray()
            .Single(s => s!["codec_type"]!.GetValue<string>() == "video")!;
        Assert.Equal(360, video["width"]!.GetValue<int>());
        Assert.Equal(640, video["height"]!.GetValue<int>());
        Assert.DoesNotContain("rotation", video.ToJsonString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("webm", "libvpx-vp9", "libopus", "clip.webm", "video/webm")]
    [InlineData("mp4", "libx265", "aac", "hevc.mp4", "video/mp4")]
    [InlineData("3gp", "mpeg4", "aac", "old.3gp", "video/3gpp")]
    public async Task ClipsFromOtherPhonesAreAccepted(string extension, string video, string audio, string name, string declared)
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await TestVideos.PhoneClipAsync(320, 240, seconds: 1, extension: extension, video: video, audio: audio);

        var media = await minji.UploadAndWaitAsync(clip, name, declared);

        Assert.Equal("video", media["type"]!.GetValue<string>());
        var probe = await TestVideos.ProbeAsync(await DownloadAsync(minji, media));
        Assert.Contains(probe["streams"]!.AsArray(), s => s!["codec_name"]!.GetValue<string>() == "h264");
    }

    [Fact]
    public async Task AnAnimatedGifBecomesASilentLoopingMp4()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var media = await minji.UploadAndWaitAsync(await TestVideos.AnimatedGifAsync(), "dance.gif", "image/gif");

        Assert.Equal("gifv", media["type"]!.GetValue<string>());
        Assert.EndsWith(".mp4", media["url"]!.GetValue<string>(), StringComparison.Ordinal);
        var streams = (await TestVideos.ProbeAsync(await DownloadAsync(minji, media)))["streams"]!.AsArray();
        Assert.Equal("h264", Assert.Single(streams)!["codec_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnAudioFileBecomesAudioWithoutItsTags()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var media = await minji.UploadAndWaitAsync(await TestVideos.AudioAsync("mp3"), "voice.mp3", "audio/mpeg");

        Assert.Equal("audio", media["type"]!.GetValue<string>());
        Assert.Null(media["preview_url"]);
        Assert.InRange(media["meta"]!["duration"]!.GetValue<double>(), 1.9, 2.1);
        var served = await DownloadAsync(minji, media);
        var streams = (await TestVideos.ProbeAsync(served))["streams"]!.AsArray();
        Assert.Equal("aac", Assert.Single(streams)!["codec_name"]!.GetValue<string>());
        Assert.DoesNotContain("Someone", (await TestVideos.TagsAsync(served)).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClipWithoutSoundStaysSilent()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var media = await minji.UploadAndWaitAsync(await TestVideos.PhoneClipAsync(320, 240, seconds: 1, withAudio: false), "quiet.mov", "video/quicktime");

        Assert.Equal("video", media["type"]!.GetValue<string>());
        var streams = (await TestVideos.ProbeAsync(await DownloadAsync(minji, media)))["streams"]!.AsArray();
        Assert.Equal("video", Assert.Single(streams)!["codec_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task AVideoLongerThanTheOperatorsLimitIsRefusedFromItsHeader()
    {
        // The classic Instagram Video feel: 15 seconds.
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Media:MaxVideoSeconds"] = "15" });
        var minji = await app.RegisterAsync("minji");

        var error = await minji.Client.SendUploadAsync(await TestVideos.LongTinyClipAsync(16), "long.mp4", "video/mp4")
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("longer than 15 seconds", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVideoOverAspNetsFormLimitOf128MiBIsTakenUpToTheVideoLimit()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        // A short clip followed by a 130 MiB "free" box, which every MP4 reader skips: 130 MiB on the wire, a clip to ffmpeg.
        var clip = await TestVideos.PhoneClipAsync(320, 240, seconds: 1, extension: "mp4");
        const int padding = 130 * 1024 * 1024;
        var large = new byte[clip.Length + padding];
        clip.CopyTo(large, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(large.AsSpan(clip.Length), padding);
        "free"u8.CopyTo(large.AsSpan(clip.Length + 4));

        using var response = await minji.Client.SendUploadAsync(large, "large.mp4", "video/mp4");
        var media = await Api.ReadSuccessAsync(response);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("video", media["type"]!.GetValue<string>());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.Storage.DataDir, "tmp")));
    }

    [Fact]
    public async Task ATwoHourVideoIsRefusedAtOnce()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await TestVideos.LongTinyClipAsync(7200);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var error = await minji.Client.SendUploadAsync(clip, "two-hours.mp4", "video/mp4").ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("longer than 60 seconds", error, StringComparison.Ordinal);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"refusing took {started.Elapsed}");
    }

    [Fact]
    public async Task ACorruptMp4IsRefusedWithTheReason()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await TestVideos.PhoneClipAsync(320, 240, seconds: 1, extension: "mp4");
        // Keep the ftyp box, so it is still sniffed as MP4, and scramble everything after it.
        var corrupt = clip.ToArray();
        new Random(7).NextBytes(corrupt.AsSpan(32));

        var error = await minji.Client.SendUploadAsync(corrupt, "broken.mp4", "video/mp4").ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("Validation failed", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATruncatedClipEndsAsFailedOrShorterButNeverCrashes()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        // faststart off: the moov box is at the end, so cutting the file loses the index; ffprobe cannot read it.
        var clip = await TestVideos.PhoneClipAsync(320, 240, seconds: 2, extension: "mp4");

        var error = await minji.Client.SendUploadAsync(clip[..(clip.Length / 2)], "cut.mp4", "video/mp4").ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("Validation failed", error, StringComparison.Ordinal);
        using var health = await minji.Client.GetAsync("/health", Cancel);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task AFilterGivesTheVideoTheSameLookAsAPhoto()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await TestVideos.PhoneClipAsync(320, 240, seconds: 1);
        var plain = await minji.UploadAndWaitAsync(clip, "a.mov", "video/quicktime");

        var mono = await minji.UploadAndWaitAsync(clip, "b.mov", "video/quicktime", filter: "mono");

        Assert.Equal("mono", mono["pinhole"]!["filter"]!.GetValue<string>());
        Assert.NotEqual(plain["blurhash"]!.GetValue<string>(), mono["blurhash"]!.GetValue<string>());
    }
}
