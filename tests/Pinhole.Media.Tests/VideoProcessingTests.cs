using System.Text.Json;
using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class VideoProcessingTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly FfmpegRunner runner = new();
    private readonly VideoProcessor processor;

    public VideoProcessingTests() => processor = new VideoProcessor(runner);

    public void Dispose()
    {
        runner.Dispose();
        directory.Dispose();
    }

    private string Out => directory.File("out");

    private static VideoJob Job => new(VideoLimits.Default);

    [Fact]
    public async Task A1080pClipBecomesA720pAndALowBitRate360pH264AacMp4()
    {
        string source = VideoFixtures.FullHd(directory);

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

        Assert.Equal(VideoKind.Video, video.Kind);
        Assert.False(video.Remuxed);
        Assert.Equal(["720p", "360p"], video.Outputs.Select(o => o.Name));
        Assert.Equal([(1280, 720), (640, 360)], video.Outputs.Select(o => (o.Width, o.Height)));
        foreach (VideoOutput output in video.Outputs)
        {
            Assert.Equal("video/mp4", output.ContentType);
            Assert.Equal(new FileInfo(output.Path).Length, output.Bytes);
            VideoProbe written = FfprobeParser.Parse(Ffmpeg.Probe(output.Path));
            Assert.Equal(("h264", "High", "yuv420p"), (written.Video!.Codec, written.Video.Profile, written.Video.PixelFormat));
            Assert.Equal((output.Width, output.Height), (written.Video.Width, written.Video.Height));
            Assert.Equal(("aac", "LC"), (written.Audio!.Codec, written.Audio.Profile));
            Assert.Equal(30, output.FrameRate);
        }

        Assert.InRange(video.Outputs[1].BitRate!.Value, 1, 600_000);
        Assert.InRange(video.Outputs[1].Bytes, 1, video.Outputs[0].Bytes - 1);
        Assert.InRange(video.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.1));
    }

    [Fact]
    public async Task BothRenditionsComeFromOneFfmpegRunThatDecodesOnce()
    {
        string source = VideoFixtures.FullHd(directory);
        var encoders = new Dictionary<int, string>();

        Task<ProcessedVideo> work = processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);
        while (!work.IsCompleted)
        {
            foreach ((int pid, string commandLine) in VideoInspection.CommandLinesMentioning(Out))
            {
                if (commandLine.Contains("720p.mp4", StringComparison.Ordinal) || commandLine.Contains("360p.mp4", StringComparison.Ordinal))
                {
                    encoders[pid] = commandLine;
                }
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }

        await work;
        string[] writers = encoders.Values.Where(c => c.Contains(" -i file:" + source, StringComparison.Ordinal)).ToArray();
        string writer = Assert.Single(writers);
        Assert.Contains("720p.mp4", writer, StringComparison.Ordinal);
        Assert.Contains("360p.mp4", writer, StringComparison.Ordinal);
        Assert.Contains("split=2", writer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACompliantSmallH264AacMp4IsRemuxedNotReEncoded()
    {
        string source = VideoFixtures.CompliantMp4(directory, "phone.mp4", 320, 240);

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

        Assert.True(video.Remuxed);
        VideoOutput only = Assert.Single(video.Outputs);
        Assert.Equal(("720p", 320, 240), (only.Name, only.Width, only.Height));
        Assert.Equal(VideoInspection.PacketsMd5(source, "0:v"), VideoInspection.PacketsMd5(only.Path, "0:v"));
        Assert.Equal(VideoInspection.PacketsMd5(source, "0:a"), VideoInspection.PacketsMd5(only.Path, "0:a"));
        Assert.NotNull(video.Poster);
    }

    [Fact]
    public async Task ACompliant480pClipIsRemuxedAndItsLowBitRate360pLeftForLater()
    {
        string source = VideoFixtures.CompliantMp4(directory, "phone.mp4", 640, 480);

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

        Assert.True(video.Remuxed);
        Assert.Equal([("720p", 640, 480)], video.Outputs.Select(o => (o.Name, o.Width, o.Height)));
        Assert.Equal(new FrameSize(480, 360), video.LowFollows);
        Assert.Equal(VideoInspection.PacketsMd5(source, "0:v"), VideoInspection.PacketsMd5(video.Outputs[0].Path, "0:v"));
    }

    [Fact]
    public async Task TheLowBitRate360pIsMadeLaterFromTheRemuxedClipAsAFaststartH264AacMp4WithNoMetadata()
    {
        string source = VideoFixtures.CompliantMp4(directory, "phone.mp4", 640, 480);
        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

        VideoOutput low = await processor.MakeLowAsync(video.Outputs[0].Path, Path.Combine(Out, "360p.mp4"), video.LowFollows!.Value,
            TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(("360p", 480, 360), (low.Name, low.Width, low.Height));
        JsonElement streams = VideoInspection.Probe(low.Path).GetProperty("streams");
        Assert.Equal(["h264", "aac"], streams.EnumerateArray().Select(s => s.GetProperty("codec_name").GetString()));
        Assert.Equal(["ftyp", "moov"], VideoInspection.TopLevelBoxes(low.Path).Take(2));
        Assert.Empty(VideoInspection.RevealingTags(low.Path));
        Assert.NotEqual(VideoInspection.PacketsMd5(video.Outputs[0].Path, "0:v"), VideoInspection.PacketsMd5(low.Path, "0:v"));
        Assert.True(low.BitRate < video.Outputs[0].BitRate, $"{low.BitRate} bit/s for the 360p");
    }

    [Fact]
    public async Task MakingTheLowRenditionOfSomethingThatIsNotOurVideoFailsWithAReason()
    {
        string notVideo = directory.File("not-video.mp4");
        await File.WriteAllTextAsync(notVideo, "not a video at all", TestContext.Current.CancellationToken);

        var rejected = await Assert.ThrowsAsync<MediaRejectedException>(() => processor.MakeLowAsync(
            notVideo, Path.Combine(directory.File("low"), "360p.mp4"), new FrameSize(480, 360), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));

        Assert.StartsWith("the video could not be decoded", rejected.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnIphoneHevcMovRecordedSidewaysComesOutUprightAndWithoutRotation()
    {
        string source = VideoFixtures.IphoneMov(directory, width: 320, height: 240);

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

        Assert.Equal(("hevc", 90), (video.Probe.Video!.Codec, video.Probe.Video.Rotation));
        Assert.False(video.Remuxed);
        VideoOutput output = Assert.Single(video.Outputs);
        Assert.Equal((240, 320), (output.Width, output.Height));
        JsonElement stream = VideoInspection.Probe(output.Path).GetProperty("streams")[0];
        Assert.Equal(("h264", 240, 320), (stream.GetProperty("codec_name").GetString(), stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32()));
        Assert.False(stream.TryGetProperty("side_data_list", out _));
        Assert.Equal("0", VideoInspection.ExifTags(output.Path)["Composite:Rotation"]);

        // Stored, the red quadrant is top left; turned 90° clockwise for display, it is top right.
        Decoded poster = Decoded.FromFile(video.Poster!.JpegPath);
        Assert.Equal((240, 320), (poster.Width, poster.Height));
        Assert.True(Decoded.IsRed(poster.AtFraction(0.75, 0.25)));
        Assert.False(Decoded.IsRed(poster.AtFraction(0.25, 0.25)));
        Assert.False(Decoded.IsRed(poster.AtFraction(0.75, 0.75)));
    }

    [Fact]
    public async Task AClipWithoutSoundGivesRenditionsWithoutSound()
    {
        string source = VideoFixtures.FullHd(directory, audio: false);

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

        Assert.Equal(VideoKind.Video, video.Kind);
        Assert.Null(video.Probe.Audio);
        Assert.Equal(2, video.Outputs.Count);
        Assert.All(video.Outputs, output => Assert.Null(FfprobeParser.Parse(Ffmpeg.Probe(output.Path)).Audio));
    }

    [Fact]
    public async Task ThePosterIsAJpegAndAWebPAtTheVideosSizeWithABlurHash()
    {
        string source = VideoFixtures.FullHd(directory);

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

        VideoPoster poster = video.Poster!;
        Assert.Equal((1280, 720), (poster.Width, poster.Height));
        Assert.Equal(SniffedType.Jpeg, FileSniffer.Sniff(File.ReadAllBytes(poster.JpegPath)));
        Assert.Equal(SniffedType.WebP, FileSniffer.Sniff(File.ReadAllBytes(poster.WebPPath)));
        Assert.Equal((1280, 720), (Decoded.FromFile(poster.WebPPath).Width, Decoded.FromFile(poster.WebPPath).Height));
        Assert.Equal(28, poster.BlurHash.Length); // 4×3 components
        Assert.False(File.Exists(directory.File("out/poster.png")));
    }

    [Fact]
    public async Task AFilterGivesTheVideoAndItsPosterTheSameLook()
    {
        // Compliant as uploaded, but a filter means new pixels: it must be encoded, not copied.
        string source = VideoFixtures.CompliantMp4(directory, "colourful.mp4", 320, 240);

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job with { Filter = "mono" }, TestContext.Current.CancellationToken);

        Assert.False(video.Remuxed);
        Decoded poster = Decoded.FromFile(video.Poster!.JpegPath);
        for (double f = 0.1; f < 1; f += 0.2)
        {
            Assert.True(VideoInspection.IsGrey(poster.AtFraction(f, f)), $"colour at {f}: {string.Join(',', poster.AtFraction(f, f))}");
        }

        string frame = directory.File("frame.png");
        Ffmpeg.Run("-i", video.Outputs[0].Path, "-frames:v", "1", frame);
        Assert.True(VideoInspection.IsGrey(Decoded.FromFile(frame).AtFraction(0.3, 0.3)));
    }

    [Fact]
    public async Task WithoutAFilterTheColoursStay()
    {
        string source = VideoFixtures.FullHd(directory);

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

        Decoded poster = Decoded.FromFile(video.Poster!.JpegPath);
        Assert.Contains(Enumerable.Range(1, 9), i => !VideoInspection.IsGrey(poster.AtFraction(i / 10.0, 0.5)));
    }

    [Fact]
    public async Task AnUnknownFilterIsTheCallersMistake()
    {
        string source = VideoFixtures.CompliantMp4(directory, "clip.mp4");

        await Assert.ThrowsAsync<ArgumentException>(
            () => processor.ProcessAsync(source, Out, Job with { Filter = "no-such-filter" }, TestContext.Current.CancellationToken));
    }
}
