namespace Pinhole.Media.Tests;

/// <summary>Which uploads are copied rather than re-encoded, decided from the probe alone.</summary>
public sealed class VideoRemuxRuleTests
{
    private static readonly VideoStreamInfo H264 = new(
        Index: 0, Codec: "h264", Profile: "High", Width: 1280, Height: 720, PixelFormat: "yuv420p",
        FrameRate: new Rational(30, 1), BitRate: 2_000_000, Rotation: 0, DisplayWidth: 1280, DisplayHeight: 720, Duration: null);

    private static readonly AudioStreamInfo Aac = new(1, "aac", "LC", Channels: 2, SampleRate: 48000, BitRate: 128_000, Duration: null);

    [Fact]
    public void A720pH264HighWithStereoAacIsCopied() => Assert.True(VideoCommands.CanRemux(Probe(H264, Aac)));

    [Fact]
    public void ASilentCompliantClipIsCopied() => Assert.True(VideoCommands.CanRemux(Probe(H264, audio: null)));

    [Fact]
    public void TheRecordedCompliantMp4IsCopied()
    {
        string json = File.ReadAllText(Path.Combine(FixturesDirectory(), "h264-aac-compliant.json"));

        Assert.True(VideoCommands.CanRemux(FfprobeParser.Parse(json)));
    }

    [Fact]
    public void TheRecordedIphoneHevcIsNotCopied()
    {
        string json = File.ReadAllText(Path.Combine(FixturesDirectory(), "iphone-hevc-rotated.json"));

        Assert.False(VideoCommands.CanRemux(FfprobeParser.Parse(json)));
    }

    [Fact]
    public void ARotatedClipIsReEncodedUpright() =>
        Assert.False(VideoCommands.CanRemux(Probe(H264 with { Rotation = 90, DisplayWidth = 720, DisplayHeight = 1280 }, Aac)));

    [Fact]
    public void AClipLargerThan720pIsScaledDown() =>
        Assert.False(VideoCommands.CanRemux(Probe(H264 with { Width = 1920, Height = 1080, DisplayWidth = 1920, DisplayHeight = 1080 }, Aac)));

    [Fact]
    public void AHeavyBitRateIsReEncoded() =>
        Assert.False(VideoCommands.CanRemux(Probe(H264, Aac) with { BitRate = 12_000_000 }));

    [Fact]
    public void AnUnknownBitRateIsReEncoded() =>
        Assert.False(VideoCommands.CanRemux(Probe(H264, Aac) with { BitRate = null }));

    [Theory]
    [InlineData("yuv420p10le")]
    [InlineData("yuv444p")]
    [InlineData("yuvj420p")]
    public void PixelFormatsBrowsersMayNotPlayAreReEncoded(string pixelFormat) =>
        Assert.False(VideoCommands.CanRemux(Probe(H264 with { PixelFormat = pixelFormat }, Aac)));

    [Theory]
    [InlineData("High 10")]
    [InlineData("High 4:4:4 Predictive")]
    public void ProfilesBrowsersMayNotPlayAreReEncoded(string profile) =>
        Assert.False(VideoCommands.CanRemux(Probe(H264 with { Profile = profile }, Aac)));

    [Fact]
    public void NonSquarePixelsAreReEncodedSquare() =>
        Assert.False(VideoCommands.CanRemux(Probe(H264 with { DisplayWidth = 1706 }, Aac)));

    [Fact]
    public void OddEdgesAreReEncoded() =>
        Assert.False(VideoCommands.CanRemux(Probe(H264 with { Width = 641, DisplayWidth = 641 }, Aac)));

    [Theory]
    [InlineData("mp3", "LC", 2)]
    [InlineData("opus", null, 2)]
    [InlineData("aac", "HE-AAC", 2)]
    [InlineData("aac", "LC", 6)]
    public void SoundOtherThanStereoAacLcIsReEncoded(string codec, string? profile, int channels) =>
        Assert.False(VideoCommands.CanRemux(Probe(H264, Aac with { Codec = codec, Profile = profile, Channels = channels })));

    [Theory]
    [InlineData("hevc")]
    [InlineData("vp9")]
    [InlineData("mpeg4")]
    public void OtherVideoCodecsAreReEncoded(string codec) =>
        Assert.False(VideoCommands.CanRemux(Probe(H264 with { Codec = codec }, Aac)));

    private static VideoProbe Probe(VideoStreamInfo video, AudioStreamInfo? audio) =>
        new("mov,mp4,m4a,3gp,3g2,mj2", null, TimeSpan.FromSeconds(5), 2_200_000, video, audio);

    private static string FixturesDirectory([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", "ffprobe");
}
