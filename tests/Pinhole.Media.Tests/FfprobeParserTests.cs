using System.Runtime.CompilerServices;

namespace Pinhole.Media.Tests;

/// <summary>
/// The parser on ffprobe 5.1's recorded JSON (<c>ffprobe -v error -print_format json -show_format -show_streams</c>) for
/// files made with Debian's ffmpeg the way <see cref="VideoFixtures"/> makes them; the iPhone one is 1920×1080 HEVC
/// turned by exiftool's <c>-Rotation=90</c>, as a phone held upright records.
/// </summary>
public sealed class FfprobeParserTests
{
    [Fact]
    public void AnUprightIphoneClipStoredSidewaysIsShownPortrait()
    {
        VideoProbe probe = FfprobeParser.Parse(Recorded("iphone-hevc-rotated.json"));

        VideoStreamInfo video = Assert.IsType<VideoStreamInfo>(probe.Video);
        Assert.Equal(("hevc", "Main", 1920, 1080), (video.Codec, video.Profile, video.Width, video.Height));
        Assert.Equal(90, video.Rotation);
        Assert.Equal((1080, 1920), (video.DisplayWidth, video.DisplayHeight));
        Assert.Equal(30, video.FrameRate!.Value.Value);
        Assert.Equal(TimeSpan.FromSeconds(1), probe.Duration);
        Assert.Equal(("aac", "LC"), (probe.Audio!.Codec, probe.Audio.Profile));
    }

    [Fact]
    public void AWebMRecordingHasItsStreamsAndDuration()
    {
        VideoProbe probe = FfprobeParser.Parse(Recorded("webm-vp9-opus.json"));

        Assert.Equal("matroska,webm", probe.FormatName);
        Assert.Equal(("vp9", 640, 360, 0), (probe.Video!.Codec, probe.Video.Width, probe.Video.Height, probe.Video.Rotation));
        Assert.Equal(("opus", 1, 48000), (probe.Audio!.Codec, probe.Audio.Channels, probe.Audio.SampleRate));
        Assert.Equal(TimeSpan.FromSeconds(1.008), probe.Duration);
    }

    [Fact]
    public void MatroskaStreamDurationTagsAreReadToTheTickDespiteNineDecimals()
    {
        VideoProbe probe = FfprobeParser.Parse(Recorded("webm-vp9-opus.json"));

        Assert.Equal(TimeSpan.FromMilliseconds(1007), probe.Video!.Duration);
        Assert.Equal(TimeSpan.FromMilliseconds(1008), probe.Audio!.Duration);
    }

    [Fact]
    public void AStreamedWebMWithoutADurationAnywhereHasAnUnknownDuration()
    {
        VideoProbe probe = FfprobeParser.Parse(Recorded("webm-streamed-no-duration.json"));

        Assert.Null(probe.Duration);
        Assert.Equal(("vp9", 320, 240), (probe.Video!.Codec, probe.Video.Width, probe.Video.Height));
        Assert.Null(probe.Audio);
    }

    [Fact]
    public void AnM4aHasSoundAndNoPicture()
    {
        VideoProbe probe = FfprobeParser.Parse(Recorded("m4a-aac.json"));

        Assert.Null(probe.Video);
        Assert.Equal(("aac", "LC", 1, 44100), (probe.Audio!.Codec, probe.Audio.Profile, probe.Audio.Channels, probe.Audio.SampleRate));
        Assert.NotNull(probe.Duration);
    }

    [Fact]
    public void AnMp3sAlbumCoverIsNotAVideo()
    {
        VideoProbe probe = FfprobeParser.Parse(Recorded("mp3-with-cover.json"));

        Assert.Null(probe.Video);
        Assert.Equal("mp3", probe.Audio!.Codec);
        Assert.Equal(TimeSpan.FromSeconds(1.044898), probe.Duration);
    }

    [Fact]
    public void ACompliantMp4HasItsProfilePixelFormatAndBitRate()
    {
        VideoProbe probe = FfprobeParser.Parse(Recorded("h264-aac-compliant.json"));

        Assert.Equal(("h264", "High", "yuv420p"), (probe.Video!.Codec, probe.Video.Profile, probe.Video.PixelFormat));
        Assert.Equal(443848, probe.BitRate);
        Assert.Equal(324432, probe.Video.BitRate);
    }

    [Theory]
    [InlineData("90", 90)]
    [InlineData("-90", 270)]
    [InlineData("180", 180)]
    [InlineData("270", 270)]
    [InlineData("360", 0)]
    public void TheOldRotateTagIsClockwise(string rotate, int expected)
    {
        VideoProbe probe = FfprobeParser.Parse(OneVideo(extra: $"\"tags\": {{ \"rotate\": \"{rotate}\" }}"));

        Assert.Equal(expected, probe.Video!.Rotation);
    }

    [Theory]
    [InlineData(-90, 90)]
    [InlineData(90, 270)]
    [InlineData(180, 180)]
    [InlineData(-180, 180)]
    [InlineData(-89.98, 90)]
    public void TheDisplayMatrixAngleIsCounterClockwise(double rotation, int expected)
    {
        string json = OneVideo(extra: $"\"side_data_list\": [ {{ \"side_data_type\": \"Display Matrix\", \"rotation\": {rotation.ToString(System.Globalization.CultureInfo.InvariantCulture)} }} ]");

        Assert.Equal(expected, FfprobeParser.Parse(json).Video!.Rotation);
    }

    [Fact]
    public void TheDisplayMatrixWinsOverTheRotateTag()
    {
        string json = OneVideo(extra: "\"tags\": { \"rotate\": \"180\" }, \"side_data_list\": [ { \"rotation\": -90 } ]");

        Assert.Equal(90, FfprobeParser.Parse(json).Video!.Rotation);
    }

    [Fact]
    public void NonSquarePixelsAreShownAtTheirDisplayWidth()
    {
        // DV NTSC widescreen: 720×480 stored, pixels 40:33 wide.
        string json = OneVideo(width: 720, height: 480, extra: "\"sample_aspect_ratio\": \"40:33\"");

        VideoStreamInfo video = FfprobeParser.Parse(json).Video!;
        Assert.Equal((873, 480), (video.DisplayWidth, video.DisplayHeight));
    }

    [Fact]
    public void AnUnknownAverageFrameRateFallsBackToTheBaseRate()
    {
        string json = OneVideo(extra: "\"avg_frame_rate\": \"0/0\", \"r_frame_rate\": \"30000/1001\"");

        Assert.Equal(new Rational(30000, 1001), FfprobeParser.Parse(json).Video!.FrameRate);
    }

    [Fact]
    public void AFileWithOnlyADataStreamHasNoVideoOrAudio()
    {
        string json = """{ "streams": [ { "index": 0, "codec_type": "data" } ], "format": { "format_name": "mov" } }""";

        Assert.Equal("the file has no video or audio", Assert.Throws<MediaRejectedException>(() => FfprobeParser.Parse(json)).Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("[]")]
    [InlineData("""{ "format": null }""")]
    [InlineData("""{ "streams": "none", "format": {} }""")]
    public void ThingsThatAreNotFfprobeOutputAreRejected(string json)
    {
        Assert.Throws<MediaRejectedException>(() => FfprobeParser.Parse(json));
    }

    [Theory]
    [InlineData("30000/1001", 30000, 1001)]
    [InlineData("25", 25, 1)]
    [InlineData("0/0", null, null)]
    [InlineData("1/0", null, null)]
    [InlineData("-30/1", null, null)]
    [InlineData("n/a", null, null)]
    public void RationalsParseAsFfprobeWritesThem(string text, int? numerator, int? denominator)
    {
        Rational? parsed = Rational.Parse(text);

        Assert.Equal(numerator is null ? null : new Rational(numerator.Value, denominator!.Value), parsed);
    }

    private static string OneVideo(int width = 1920, int height = 1080, string extra = "\"avg_frame_rate\": \"30/1\"") =>
        $$"""
        { "streams": [ { "index": 0, "codec_type": "video", "codec_name": "h264", "width": {{width}}, "height": {{height}}, {{extra}} } ],
          "format": { "format_name": "mov,mp4,m4a,3gp,3g2,mj2", "duration": "2.000000" } }
        """;

    private static string Recorded(string name, [CallerFilePath] string here = "") =>
        File.ReadAllText(Path.Combine(Path.GetDirectoryName(here)!, "Fixtures", "ffprobe", name));
}
