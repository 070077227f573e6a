using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

/// <summary>Every kind of upload the issue names comes out as H.264/AAC MP4 (or AAC for sound only).</summary>
public sealed class VideoFormatTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly FfmpegRunner runner = new();
    private readonly VideoProcessor processor;

    public VideoFormatTests() => processor = new VideoProcessor(runner);

    public void Dispose()
    {
        runner.Dispose();
        directory.Dispose();
    }

    private string Out => directory.File("out");

    private static VideoJob Job => new(VideoLimits.Default);

    [Fact]
    public async Task AWebMRecordingWithVp9AndOpusBecomesH264AndAac()
    {
        ProcessedVideo video = await Process(VideoFixtures.WebM(directory));

        Assert.Equal(("vp9", "opus"), (video.Probe.Video!.Codec, video.Probe.Audio!.Codec));
        AssertH264Aac(Assert.Single(video.Outputs), 320, 240);
    }

    [Fact]
    public async Task AnOldPhones3gpWithH263BecomesH264AndAac()
    {
        ProcessedVideo video = await Process(VideoFixtures.ThreeGp(directory));

        Assert.Equal("h263", video.Probe.Video!.Codec);
        AssertH264Aac(Assert.Single(video.Outputs), 176, 144);
    }

    [Fact]
    public async Task AnM4vWithMpeg4VideoBecomesH264AndAac()
    {
        ProcessedVideo video = await Process(VideoFixtures.M4V(directory));

        Assert.Equal("mpeg4", video.Probe.Video!.Codec);
        AssertH264Aac(Assert.Single(video.Outputs), 320, 240);
    }

    [Fact]
    public async Task AnAacM4aIsAudioCopiedIntoAFreshMp4()
    {
        string source = VideoFixtures.Audio(directory, "voice.m4a", "aac");

        ProcessedVideo audio = await Process(source);

        Assert.Equal(VideoKind.Audio, audio.Kind);
        Assert.True(audio.Remuxed);
        Assert.Null(audio.Poster);
        VideoOutput output = Assert.Single(audio.Outputs);
        Assert.Equal(("audio", "audio/mp4", 0, 0, (double?)null), (output.Name, output.ContentType, output.Width, output.Height, output.FrameRate));
        Assert.EndsWith(".m4a", output.Path, StringComparison.Ordinal);
        Assert.Equal(VideoInspection.PacketsMd5(source, "0:a"), VideoInspection.PacketsMd5(output.Path, "0:a"));
    }

    [Fact]
    public async Task AnMp3WithAnAlbumCoverIsAudioWithoutTheCover()
    {
        ProcessedVideo audio = await Process(VideoFixtures.Mp3WithCover(directory));

        Assert.Equal(VideoKind.Audio, audio.Kind);
        Assert.False(audio.Remuxed);
        Assert.Null(audio.Poster);
        VideoProbe written = FfprobeParser.Parse(Ffmpeg.Probe(audio.Outputs[0].Path));
        Assert.Equal(("aac", "LC"), (written.Audio!.Codec, written.Audio.Profile));
        Assert.Null(written.Video);
        Assert.DoesNotContain("\"codec_type\": \"video\"", Ffmpeg.Probe(audio.Outputs[0].Path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOggVorbisFileIsAudio()
    {
        ProcessedVideo audio = await Process(VideoFixtures.Audio(directory, "song.ogg", "libvorbis"));

        Assert.Equal(VideoKind.Audio, audio.Kind);
        Assert.Equal("aac", FfprobeParser.Parse(Ffmpeg.Probe(audio.Outputs[0].Path)).Audio!.Codec);
        Assert.InRange(audio.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.2));
    }

    [Fact]
    public async Task AnAnimatedGifBecomesASilentEvenSizedH264Gifv()
    {
        string gif = VideoFixtures.AnimatedGif(directory);

        ProcessedVideo gifv = await processor.ProcessGifAsync(gif, Out, Job, TestContext.Current.CancellationToken);

        Assert.Equal(VideoKind.Gifv, gifv.Kind);
        VideoOutput output = Assert.Single(gifv.Outputs);
        Assert.Equal((160, 120), (output.Width, output.Height));
        VideoProbe written = FfprobeParser.Parse(Ffmpeg.Probe(output.Path));
        Assert.Equal(("h264", "yuv420p"), (written.Video!.Codec, written.Video.PixelFormat));
        Assert.Null(written.Audio);
        Assert.InRange(gifv.Duration, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1.1));
        Assert.NotNull(gifv.Poster);
    }

    [Fact]
    public async Task AGifGivenToProcessAsyncIsAGifvToo()
    {
        ProcessedVideo gifv = await Process(VideoFixtures.AnimatedGif(directory));

        Assert.Equal(VideoKind.Gifv, gifv.Kind);
        Assert.Null(FfprobeParser.Parse(Ffmpeg.Probe(gifv.Outputs[0].Path)).Audio);
    }

    [Fact]
    public async Task AClipWithSoundMadeIntoAGifvLosesItsSound()
    {
        string clip = VideoFixtures.CompliantMp4(directory, "loop.mp4");

        ProcessedVideo gifv = await processor.ProcessGifAsync(clip, Out, Job, TestContext.Current.CancellationToken);

        Assert.Equal(VideoKind.Gifv, gifv.Kind);
        Assert.False(gifv.Remuxed);
        Assert.Null(FfprobeParser.Parse(Ffmpeg.Probe(gifv.Outputs[0].Path)).Audio);
    }

    [Fact]
    public async Task SoundOnlyCannotBeAGifv()
    {
        string sound = VideoFixtures.Audio(directory, "voice.m4a", "aac");

        var error = await Assert.ThrowsAsync<MediaRejectedException>(
            () => processor.ProcessGifAsync(sound, Out, Job, TestContext.Current.CancellationToken));

        Assert.Equal("the file has no picture to animate", error.Message);
    }

    private Task<ProcessedVideo> Process(string source) =>
        processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

    private static void AssertH264Aac(VideoOutput output, int width, int height)
    {
        Assert.Equal(("720p", width, height), (output.Name, output.Width, output.Height));
        VideoProbe written = FfprobeParser.Parse(Ffmpeg.Probe(output.Path));
        Assert.Equal(("h264", "High", "yuv420p"), (written.Video!.Codec, written.Video.Profile, written.Video.PixelFormat));
        Assert.Equal(("aac", "LC"), (written.Audio!.Codec, written.Audio.Profile));
    }
}
