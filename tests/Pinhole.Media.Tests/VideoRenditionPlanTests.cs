namespace Pinhole.Media.Tests;

public sealed class VideoRenditionPlanTests
{
    [Fact]
    public void A1080pLandscapeVideoGets720pAnd360p()
    {
        Assert.Equal(
            [("720p", new FrameSize(1280, 720)), ("360p", new FrameSize(640, 360))],
            VideoRenditions.Plan(1920, 1080));
    }

    [Fact]
    public void AnUprightPhoneVideoKeepsItsPortraitShape()
    {
        Assert.Equal(
            [("720p", new FrameSize(720, 1280)), ("360p", new FrameSize(360, 640))],
            VideoRenditions.Plan(1080, 1920));
    }

    [Fact]
    public void A4KVideoIsScaledByItsShortEdge()
    {
        Assert.Equal(new FrameSize(1280, 720), VideoRenditions.Plan(3840, 2160)[0].Size);
    }

    [Fact]
    public void AVideoSmallerThan720pIsNeverEnlarged()
    {
        Assert.Equal(
            [("720p", new FrameSize(640, 480)), ("360p", new FrameSize(480, 360))],
            VideoRenditions.Plan(640, 480));
    }

    [Theory]
    [InlineData(480, 360)]
    [InlineData(320, 240)]
    [InlineData(176, 144)]
    public void AVideoWhoseShortEdgeIsAtMost360GetsOneRenditionAtItsOwnSize(int width, int height)
    {
        Assert.Equal([("720p", new FrameSize(width, height))], VideoRenditions.Plan(width, height));
    }

    [Fact]
    public void OddEdgesAreRoundedDownToEvenSoNothingGrows()
    {
        Assert.Equal(
            [("720p", new FrameSize(160, 120))],
            VideoRenditions.Plan(161, 121));
        Assert.Equal(
            [("720p", new FrameSize(640, 360))],
            VideoRenditions.Plan(641, 361));
    }

    [Fact]
    public void AnUnusualShapeKeepsItsAspectRatio()
    {
        // A 2.39:1 "cinema" crop.
        FrameSize size = VideoRenditions.Plan(2560, 1070)[0].Size;

        Assert.Equal(720, size.Height);
        Assert.Equal(1722, size.Width);
    }
}
