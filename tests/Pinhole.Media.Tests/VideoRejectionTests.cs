using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

/// <summary>What a person is told when their upload cannot be used, and that nothing is left behind.</summary>
public sealed class VideoRejectionTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly FfmpegRunner runner = new();
    private readonly VideoProcessor processor;

    public VideoRejectionTests() => processor = new VideoProcessor(runner);

    public void Dispose()
    {
        runner.Dispose();
        directory.Dispose();
    }

    private string Out => directory.File("out");

    [Fact]
    public async Task TextRenamedToMp4IsNotAnImageOrVideo()
    {
        string path = directory.File("notes.mp4");
        await File.WriteAllTextAsync(path, "Dear diary, today I renamed a text file.\n", TestContext.Current.CancellationToken);

        Assert.Equal("not an image or video", (await Reject(path)).Message);
    }

    [Fact]
    public async Task ProbingJunkSaysItIsNotAnImageOrVideo()
    {
        string path = directory.File("junk.bin");
        await File.WriteAllBytesAsync(path, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251))], TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<MediaRejectedException>(
            () => processor.ProcessAsync(path, Out, new VideoJob(VideoLimits.Default), TestContext.Current.CancellationToken));

        Assert.Equal("not an image or video", error.Message);
        Assert.IsType<FfmpegException>(error.InnerException);
    }

    [Fact]
    public async Task APngIsLeftToThePhotoPipeline()
    {
        string png = new Canvas(32, 32).Fill(Photos.Red).SavePng(directory.File("red.png"));

        Assert.Equal("not an image or video", (await Reject(png)).Message);
    }

    [Fact]
    public async Task AnHlsPlaylistIsNeverFollowed()
    {
        string target = VideoFixtures.CompliantMp4(directory, "elsewhere.mp4");
        string playlist = directory.File("playlist.m3u8");
        await File.WriteAllTextAsync(playlist, $"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\n{target}\n#EXT-X-ENDLIST\n", TestContext.Current.CancellationToken);

        Assert.Equal("not an image or video", (await Reject(playlist)).Message);
    }

    [Fact]
    public async Task An8KVideoIsRefusedFromItsHeader()
    {
        string path = directory.File("8k.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", "color=size=7680x4320:rate=30:duration=0.034", "-c:v", "libx264", "-preset", "ultrafast", path);

        Assert.Equal("video is 7680×4320, limit 3840×2160", (await Reject(path)).Message);
        Assert.False(Directory.Exists(Out), "encoding began");
    }

    [Fact]
    public async Task AVideoOverAConfiguredSizeSaysBothSizes()
    {
        string path = VideoFixtures.FullHd(directory);

        var limits = VideoLimits.Default with { MaxLongEdge = 1280, MaxShortEdge = 720 };
        Assert.Equal("video is 1920×1080, limit 1280×720", (await Reject(path, limits)).Message);
    }

    [Fact]
    public async Task A240FpsSlowMotionClipIsOverTheFrameRateLimit()
    {
        string path = directory.File("slomo.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=240:duration=0.2", "-c:v", "libx264", "-preset", "ultrafast", path);

        Assert.Equal("frame rate 240 fps, limit 120", (await Reject(path)).Message);
        Assert.False(Directory.Exists(Out), "encoding began");
    }

    [Fact]
    public async Task AHeaderDeclaringTwoHoursIsRefusedWithoutDecoding()
    {
        // Two hours of a 16×16 picture at one frame per 100 s: 72 frames, a few kilobytes.
        string path = directory.File("two-hours.mp4");
        Ffmpeg.Run("-f", "lavfi", "-i", "color=c=blue:size=16x16:rate=1/100:duration=7200", "-c:v", "libx264", "-preset", "ultrafast", path);

        Assert.Equal("video longer than 60 seconds", (await Reject(path)).Message);
        Assert.False(Directory.Exists(Out), "encoding began");
    }

    [Fact]
    public async Task ALongRecordingWhoseHeaderHasNoDurationIsCaughtFromWhatWasWritten()
    {
        string path = VideoFixtures.StreamedWebMWithoutDuration(directory, seconds: 4);
        var limits = new VideoLimits(TimeSpan.FromSeconds(1));

        Assert.Equal("video longer than 1 seconds", (await Reject(path, limits)).Message);
        Assert.Empty(Directory.GetFiles(Out));
    }

    [Fact]
    public async Task ARecordingWithoutDurationWithinTheLimitIsAccepted()
    {
        string path = VideoFixtures.StreamedWebMWithoutDuration(directory, seconds: 1);

        ProcessedVideo video = await processor.ProcessAsync(path, Out, new VideoJob(VideoLimits.Default), TestContext.Current.CancellationToken);

        Assert.Null(video.Probe.Duration);
        Assert.InRange(video.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.1));
    }

    [Fact]
    public async Task SoundLongerThanTheLimitIsRefusedAsAudio()
    {
        string path = directory.File("long.m4a");
        Ffmpeg.Run("-f", "lavfi", "-i", "anullsrc=sample_rate=8000:channel_layout=mono", "-t", "3", "-c:a", "aac", path);

        Assert.Equal("audio longer than 2 seconds", (await Reject(path, new VideoLimits(TimeSpan.FromSeconds(2)))).Message);
    }

    [Fact]
    public async Task AFileOverTheByteLimitIsRefusedBeforeProbing()
    {
        string path = VideoFixtures.FullHd(directory);

        var limits = VideoLimits.Default with { MaxBytes = 512 * 1024 };
        Assert.Equal("video larger than 0.5 MB", (await Reject(path, limits)).Message);
    }

    [Fact]
    public async Task AnMp4WithDamagedFramesIsRefusedWhenDecodedWithFfmpegsReasonAndNoPath()
    {
        string whole = VideoFixtures.CompliantMp4(directory, "whole.mp4", 320, 240, seconds: 2);
        byte[] bytes = await File.ReadAllBytesAsync(whole, TestContext.Current.CancellationToken);
        var random = new Random(7);
        for (int i = 0; i < 300; i++)
        {
            bytes[random.Next(bytes.Length / 8, bytes.Length * 7 / 8)] ^= 0x5A;
        }

        string path = directory.File("damaged.mp4");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);

        // A filter means every frame is decoded and encoded again (a plain copy would pass damaged frames on unseen).
        MediaRejectedException error = await Reject(path, new VideoJob(VideoLimits.Default, Filter: "warm"));

        Assert.StartsWith("the video could not be decoded: ", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length > "the video could not be decoded: ".Length + 5, error.Message);
        Assert.DoesNotContain(directory.Path, error.Message, StringComparison.Ordinal);
        Assert.IsType<FfmpegException>(error.InnerException);
        Assert.Empty(Directory.GetFiles(Out));
    }

    [Fact]
    public async Task AnMp4CutShortBeforeItsIndexIsADamagedVideo()
    {
        string whole = VideoFixtures.CompliantMp4(directory, "whole.mp4", 320, 240);
        byte[] bytes = await File.ReadAllBytesAsync(whole, TestContext.Current.CancellationToken);
        Assert.Equal("moov", VideoInspection.TopLevelBoxes(whole)[^1]); // ffmpeg writes the index last without faststart
        string path = directory.File("cut.mp4");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)], TestContext.Current.CancellationToken);

        Assert.Equal("the video could not be decoded: moov atom not found", (await Reject(path)).Message);
    }

    [Fact]
    public async Task AFastStartMp4CutShortIsRefusedWhenItsMissingFramesAreReached()
    {
        string whole = directory.File("faststart.mp4");
        Ffmpeg.Run([.. Ffmpeg.Sources(320, 240, 2), "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-movflags", "+faststart", whole]);
        byte[] bytes = await File.ReadAllBytesAsync(whole, TestContext.Current.CancellationToken);
        string path = directory.File("cut.mp4");
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length * 2 / 3)], TestContext.Current.CancellationToken);

        MediaRejectedException error = await Reject(path);

        Assert.StartsWith("the video could not be decoded: ", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Out));
    }

    [Fact]
    public async Task AJobOverItsTimeoutIsKilledAndRefused()
    {
        string path = VideoFixtures.FullHd(directory, seconds: 3);
        var limits = VideoLimits.Default with { Timeout = TimeSpan.FromMilliseconds(300) };

        MediaRejectedException error = await Reject(path, limits);

        Assert.Equal("the video took too long to process", error.Message);
        Assert.Empty(VideoInspection.ProcessesMentioning(path));
        Assert.Empty(Directory.Exists(Out) ? Directory.GetFiles(Out) : []);
    }

    [Fact]
    public async Task CancellingStopsFfmpegAndDeletesWhatWasWritten()
    {
        string path = VideoFixtures.FullHd(directory, seconds: 3);
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        Task<ProcessedVideo> work = processor.ProcessAsync(path, Out, new VideoJob(VideoLimits.Default), cancellation.Token);
        while (!File.Exists(Path.Combine(Out, "720p.mp4")))
        {
            Assert.False(work.IsCompleted, "finished before it could be cancelled");
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => work);
        Assert.Empty(VideoInspection.ProcessesMentioning(path));
        Assert.Empty(Directory.GetFiles(Out));
    }

    private Task<MediaRejectedException> Reject(string path) => Reject(path, VideoLimits.Default);

    private Task<MediaRejectedException> Reject(string path, VideoLimits limits) => Reject(path, new VideoJob(limits));

    private Task<MediaRejectedException> Reject(string path, VideoJob job) =>
        Assert.ThrowsAsync<MediaRejectedException>(() => processor.ProcessAsync(path, Out, job, TestContext.Current.CancellationToken));
}
