using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class TransparencyTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    [Fact]
    public void WebPKeepsTheAlphaChannel()
    {
        Rendition webp = Process(TransparentLeftHalf()).Single(r => r.Format == OutputFormat.WebP);

        Decoded image = Decoded.FromBytes(webp.Bytes, directory);
        Assert.Equal(4, image.Bands);
        Assert.True(image.AtFraction(0.25, 0.5)[3] < 10, "the left half stays transparent");
        Assert.True(image.AtFraction(0.75, 0.5)[3] > 245, "the right half stays opaque");
        Assert.True(image.AtFraction(0.75, 0.5)[2] > 230, "and blue");
    }

    [Fact]
    public void JpegIsFlattenedOntoWhiteNotBlack()
    {
        Rendition jpeg = Process(TransparentLeftHalf()).Single(r => r.Format == OutputFormat.Jpeg);

        Decoded image = Decoded.FromBytes(jpeg.Bytes, directory);
        Assert.Equal(3, image.Bands);
        Assert.All(image.AtFraction(0.25, 0.5), value => Assert.True(value > 240, "transparent becomes white"));
        byte[] blue = image.AtFraction(0.75, 0.5);
        Assert.True(blue[0] < 20 && blue[1] < 20 && blue[2] > 230, "opaque blue stays blue");
    }

    [Fact]
    public void HalfTransparentRedBecomesPinkInJpeg()
    {
        string path = Photos.Save(directory, new Canvas(100, 50, channels: 4).Fill(255, 0, 0, 128), "half.png");

        Rendition jpeg = Process(path).Single(r => r.Format == OutputFormat.Jpeg);

        byte[] pixel = Decoded.FromBytes(jpeg.Bytes, directory).At(50, 25);
        Assert.True(pixel[0] > 240, $"red {pixel[0]}");
        Assert.InRange(pixel[1], 112, 142);
        Assert.InRange(pixel[2], 112, 142);
    }

    [Fact]
    public void ATransparentWebPUploadKeepsItsAlphaToo()
    {
        string path = directory.File("upload.webp");
        Tool.Vips("copy", TransparentLeftHalf(), path + "[lossless]");

        Rendition webp = Process(path).Single(r => r.Format == OutputFormat.WebP);

        Decoded image = Decoded.FromBytes(webp.Bytes, directory);
        Assert.Equal(4, image.Bands);
        Assert.True(image.AtFraction(0.25, 0.5)[3] < 10);
    }

    private string TransparentLeftHalf() =>
        Photos.Save(
            directory,
            new Canvas(200, 100, channels: 4).Fill(0, 0, 0, 0).FillRect(100, 0, 100, 100, 0, 0, 255, 255),
            "transparent.png");

    private IReadOnlyList<Rendition> Process(string path) =>
        processor.Process(
            path,
            [new RenditionSpec("a.webp", 100, OutputFormat.WebP, Quality: 90), new RenditionSpec("a.jpg", 100, OutputFormat.Jpeg, Quality: 90)],
            TestContext.Current.CancellationToken).Renditions;
}
