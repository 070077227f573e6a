using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class OrientationTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    // The stored image is 60×40 with a red top-left quadrant. EXIF orientation N says how to display it:
    // 1 as is, 2 mirrored, 3 turned 180°, 4 flipped, 5 transposed, 6 turned 90° clockwise, 7 transversed,
    // 8 turned 90° anticlockwise. Where the red quadrant ends up, and whether the sides swap, tells them all apart.
    [Theory]
    [InlineData(1, 60, 40, "top-left")]
    [InlineData(2, 60, 40, "top-right")]
    [InlineData(3, 60, 40, "bottom-right")]
    [InlineData(4, 60, 40, "bottom-left")]
    [InlineData(5, 40, 60, "top-left")]
    [InlineData(6, 40, 60, "top-right")]
    [InlineData(7, 40, 60, "bottom-right")]
    [InlineData(8, 40, 60, "bottom-left")]
    public void EveryRenditionIsUprightForEachExifOrientation(int orientation, int width, int height, string redCorner)
    {
        string path = OrientedJpeg(orientation);

        PhotoResult result = processor.Process(
            path,
            [new RenditionSpec("full.jpg", 1000, OutputFormat.Jpeg), new RenditionSpec("small.webp", 30, OutputFormat.WebP)],
            TestContext.Current.CancellationToken);

        Assert.Equal((width, height), (result.Width, result.Height));
        foreach (Rendition rendition in result.Renditions)
        {
            Decoded image = Decoded.FromBytes(rendition.Bytes, directory);
            Assert.Equal((rendition.Width, rendition.Height), (image.Width, image.Height));
            Assert.Equal(width > height, image.Width > image.Height);
            Assert.Equal(redCorner, RedCorner(image));
        }
    }

    [Theory]
    [InlineData(1, 60, 40)]
    [InlineData(3, 60, 40)]
    [InlineData(6, 40, 60)]
    [InlineData(8, 40, 60)]
    public void TheHeaderReportsTheDisplayedSize(int orientation, int width, int height)
    {
        ImageHeader header = processor.ReadHeader(OrientedJpeg(orientation));

        Assert.Equal(new ImageHeader(SniffedType.Jpeg, width, height), header);
    }

    private string OrientedJpeg(int orientation)
    {
        string path = Photos.Save(directory, Photos.RedCorner(), $"oriented-{orientation}.jpg", "[Q=95]");
        Tool.ExifTool(path, $"-Orientation#={orientation}");
        return path;
    }

    private static string RedCorner(Decoded image)
    {
        (string Name, double X, double Y)[] quadrants =
            [("top-left", 0.25, 0.25), ("top-right", 0.75, 0.25), ("bottom-left", 0.25, 0.75), ("bottom-right", 0.75, 0.75)];
        string[] red = quadrants.Where(q => Decoded.IsRed(image.AtFraction(q.X, q.Y))).Select(q => q.Name).ToArray();
        return Assert.Single(red);
    }
}
