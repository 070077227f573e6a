using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class SquareCropTests : IDisposable
{
    private static readonly byte[] Blue = [0, 0, 255];

    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    [Fact]
    public void ProfileGridSquaresComeOutAtTheirSizeNextToTheOtherRenditions()
    {
        string path = Photos.Save(directory, Photos.Gradient(1600, 1200), "photo.jpg", "[Q=90]");
        RenditionSpec[] specs =
        [
            .. Photos.StandardSpecs,
            RenditionSpec.SquareCrop("640sq.jpg", 640, OutputFormat.Jpeg),
            RenditionSpec.SquareCrop("640sq.webp", 640, OutputFormat.WebP),
            RenditionSpec.SquareCrop("320sq.webp", 320, OutputFormat.WebP),
        ];

        PhotoResult result = processor.Process(path, specs, TestContext.Current.CancellationToken);

        Assert.Equal(specs.Select(s => s.Name), result.Renditions.Select(r => r.Name));
        Assert.Equal([(640, 640), (640, 640), (320, 320)], result.Renditions.Skip(8).Select(r => (r.Width, r.Height)));
        foreach (Rendition square in result.Renditions.Skip(8))
        {
            Decoded image = Decoded.FromBytes(square.Bytes, directory);
            Assert.Equal((square.Width, square.Height), (image.Width, image.Height));
        }
    }

    [Fact]
    public void ASquareWithoutAFocusIsTheCentre()
    {
        // Landscape 300×100: left third red, middle third blue, right third white.
        string path = Photos.Save(directory, Thirds(300, 100), "thirds.png");

        Decoded square = Crop(path, 100, FocusPoint.Centre);

        Assert.Equal((100, 100), (square.Width, square.Height));
        AssertColour(Blue, square.AtFraction(0.5, 0.5));
        AssertColour(Blue, square.AtFraction(0.05, 0.5));
        AssertColour(Blue, square.AtFraction(0.95, 0.5));
    }

    [Theory]
    [InlineData(-1.0, 0.0, "red")]
    [InlineData(-0.7, 0.0, "red")]
    [InlineData(0.7, 0.0, "white")]
    [InlineData(1.0, 0.0, "white")]
    public void TheSquareFollowsTheFocusAcrossALandscapePhoto(double x, double y, string expected)
    {
        string path = Photos.Save(directory, Thirds(300, 100), "thirds.png");

        Decoded square = Crop(path, 100, new FocusPoint(x, y));

        AssertColour(expected == "red" ? Photos.Red : Photos.White, square.AtFraction(0.5, 0.5));
    }

    [Theory]
    [InlineData(1.0, "top")]
    [InlineData(0.5, "top")]
    [InlineData(-0.5, "bottom")]
    [InlineData(-1.0, "bottom")]
    public void FocusYPointsUpOnAPortraitPhoto(double y, string expected)
    {
        // Portrait 100×300: top third red, the rest white.
        var canvas = new Canvas(100, 300).Fill(Photos.White).FillRect(0, 0, 100, 100, Photos.Red);
        string path = Photos.Save(directory, canvas, "portrait.png");

        Decoded square = Crop(path, 100, new FocusPoint(0, y));

        AssertColour(expected == "top" ? Photos.Red : Photos.White, square.AtFraction(0.5, 0.5));
    }

    [Fact]
    public void TheFocusPointStaysInViewAndTheCropInsideThePicture()
    {
        // A red dot at 90% across and 20% down a 1000×400 picture; Mastodon's focus for it is (0.8, 0.6).
        var canvas = new Canvas(1000, 400).Fill(Photos.White).FillRect(880, 60, 40, 40, Photos.Red);
        string path = Photos.Save(directory, canvas, "dot.png");

        Decoded square = Crop(path, 200, new FocusPoint(0.8, 0.6));

        // Scaled by 1/2 to 500×200, the dot is at (450, 40); the square [300, 500) × [0, 200) holds it at (150, 40).
        Assert.Equal((200, 200), (square.Width, square.Height));
        Assert.True(Decoded.IsRed(square.At(150, 40)), string.Join(',', square.At(150, 40)));
    }

    [Fact]
    public void ASquareIsNeverEnlargedPastThePhotosShortEdge()
    {
        string path = Photos.Save(directory, Photos.Gradient(500, 300), "small.png");

        Decoded square = Crop(path, 640, FocusPoint.Centre);

        Assert.Equal((300, 300), (square.Width, square.Height));
    }

    [Fact]
    public void AFocusOutsideTheRangeIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FocusPoint(1.5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FocusPoint(0, double.NaN));
    }

    [Fact]
    public void ASquareOfARotatedPhotoIsUpright()
    {
        // Stored landscape with the red corner top-left, EXIF orientation 6 (display rotated 90° clockwise): shown
        // as portrait with red at the top right.
        string path = Photos.Save(directory, Photos.RedCorner(300, 200), "rotated.jpg", "[Q=95]");
        Tool.ExifTool(path, "-Orientation=6", "-n");

        PhotoResult result = processor.Process(
            path, [RenditionSpec.SquareCrop("sq", 100, OutputFormat.Jpeg, quality: 95)], new PhotoEdits(new FocusPoint(0, 1)), TestContext.Current.CancellationToken);

        Decoded square = Decoded.FromBytes(result.Renditions[0].Bytes, directory);
        Assert.True(Decoded.IsRed(square.AtFraction(0.75, 0.25)), string.Join(',', square.AtFraction(0.75, 0.25)));
        Assert.False(Decoded.IsRed(square.AtFraction(0.25, 0.25)));
    }

    private Decoded Crop(string path, int size, FocusPoint focus)
    {
        PhotoResult result = processor.Process(
            path, [RenditionSpec.SquareCrop("sq.png", size, OutputFormat.WebP, quality: 95)], new PhotoEdits(focus), TestContext.Current.CancellationToken);
        return Decoded.FromBytes(result.Renditions[0].Bytes, directory);
    }

    private static Canvas Thirds(int width, int height) =>
        new Canvas(width, height).Fill(Photos.White).FillRect(0, 0, width / 3, height, Photos.Red).FillRect(width / 3, 0, width / 3, height, Blue);

    private static void AssertColour(byte[] expected, byte[] actual)
    {
        for (int band = 0; band < 3; band++)
        {
            Assert.True(Math.Abs(expected[band] - actual[band]) <= 40, $"expected {string.Join(',', expected)}, got {string.Join(',', actual)}");
        }
    }
}
