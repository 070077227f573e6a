using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class AnimatedGifHeaderTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    [Fact]
    public void AnAnimatedGifSaysHowManyFramesItHas()
    {
        string path = directory.File("animated.gif");
        Ffmpeg.Run([.. Ffmpeg.Sources(64, 48, 0.5, rate: 10, audio: false), path]);

        ImageHeader header = processor.ReadHeader(path);

        Assert.Equal((SniffedType.Gif, 64, 48), (header.Type, header.Width, header.Height));
        Assert.Equal(5, header.Frames);
        Assert.True(header.IsAnimated);
    }

    [Fact]
    public void AStillGifIsAPhoto()
    {
        string path = Photos.Save(directory, Photos.Gradient(64, 48), "still.gif");

        ImageHeader header = processor.ReadHeader(path);

        Assert.False(header.IsAnimated);
        Assert.Equal(1, header.Frames);
    }

    [Fact]
    public void AJpegIsNeverAnimated() =>
        Assert.False(processor.ReadHeader(Photos.Save(directory, Photos.Gradient(64, 48), "photo.jpg")).IsAnimated);
}
