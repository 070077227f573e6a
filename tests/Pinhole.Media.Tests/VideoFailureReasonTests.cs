namespace Pinhole.Media.Tests;

public sealed class VideoFailureReasonTests
{
    private const string Input = "/var/lib/pinhole/uploads/tmp/8f2c.mp4";

    [Fact]
    public void TheFirstLineIsTheReasonWithoutItsComponentPrefix()
    {
        string[] stderr =
        [
            "[mov,mp4,m4a,3gp,3g2,mj2 @ 0x556049c9d1c0] moov atom not found",
            $"file:{Input}: Invalid data found when processing input",
        ];

        Assert.Equal("moov atom not found", VideoFailures.Reason(stderr, Input));
    }

    [Fact]
    public void ALineAboutTheInputLosesThePathItStartsWith()
    {
        string[] stderr = [$"file:{Input}: corrupt input packet in stream 0"];

        Assert.Equal("corrupt input packet in stream 0", VideoFailures.Reason(stderr, Input));
    }

    [Fact]
    public void BlankLinesAreSkipped()
    {
        string[] stderr = ["", "   ", "[h264 @ 0x55a7683e0140] error while decoding MB 62 39, bytestream -10"];

        Assert.Equal("error while decoding MB 62 39, bytestream -10", VideoFailures.Reason(stderr, Input));
    }

    [Fact]
    public void ThePathIsNeverShownEvenInsideAMessage()
    {
        string[] stderr = [$"Could not open {Input} for reading"];

        Assert.Equal("Could not open the file for reading", VideoFailures.Reason(stderr, Input));
    }

    [Fact]
    public void ALongReasonIsCut()
    {
        string reason = VideoFailures.Reason([new string('x', 400)], Input);

        Assert.True(reason.Length <= 161, reason);
        Assert.EndsWith("…", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void SilenceGivesAPlaceholder() =>
        Assert.Equal("ffmpeg gave no reason", VideoFailures.Reason([], Input));
}
