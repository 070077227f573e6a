using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class RenditionTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    [Fact]
    public void A12MegapixelPhotoGetsEveryLongEdgeInBothFormats()
    {
        string path = Photos.Save(directory, Photos.Gradient(4000, 3000), "big.jpg", "[Q=90]");

        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        Assert.Equal((4000, 3000), (result.Width, result.Height));
        (string, OutputFormat, int, int)[] expected =
        [
            ("2048.jpg", OutputFormat.Jpeg, 2048, 1536), ("2048.webp", OutputFormat.WebP, 2048, 1536),
            ("1080.jpg", OutputFormat.Jpeg, 1080, 810), ("1080.webp", OutputFormat.WebP, 1080, 810),
            ("640.jpg", OutputFormat.Jpeg, 640, 480), ("640.webp", OutputFormat.WebP, 640, 480),
            ("320.jpg", OutputFormat.Jpeg, 320, 240), ("320.webp", OutputFormat.WebP, 320, 240),
        ];
        Assert.Equal(expected, result.Renditions.Select(r => (r.Name, r.Format, r.Width, r.Height)));
    }

    [Fact]
    public void EveryRenditionDecodesToItsRecordedSize()
    {
        string path = Photos.Save(directory, Photos.Gradient(1600, 1200), "photo.jpg", "[Q=90]");

        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        foreach (Rendition rendition in result.Renditions)
        {
            Decoded image = Decoded.FromBytes(rendition.Bytes, directory);
            Assert.Equal((rendition.Width, rendition.Height, 3), (image.Width, image.Height, image.Bands));
        }
    }

    [Fact]
    public void EachRenditionIsEncodedInItsFormat()
    {
        string path = Photos.Save(directory, Photos.Gradient(800, 600), "photo.png");

        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        foreach (Rendition rendition in result.Renditions)
        {
            SniffedType expected = rendition.Format == OutputFormat.Jpeg ? SniffedType.Jpeg : SniffedType.WebP;
            Assert.Equal(expected, FileSniffer.Sniff(rendition.Bytes));
        }
    }

    [Fact]
    public void RenditionsKeepThePicture()
    {
        string path = Photos.Save(directory, Photos.Gradient(800, 600), "photo.png");

        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        foreach (Rendition rendition in result.Renditions)
        {
            Decoded image = Decoded.FromBytes(rendition.Bytes, directory);
            AssertNear([64, 127, 191], image.AtFraction(0.25, 0.5), tolerance: 12);
            AssertNear([191, 127, 64], image.AtFraction(0.75, 0.5), tolerance: 12);
        }
    }

    [Fact]
    public void ASmallPhotoIsNeverEnlarged()
    {
        string path = Photos.Save(directory, Photos.Gradient(500, 300), "small.jpg");

        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        Assert.Equal((500, 300), (result.Width, result.Height));
        foreach (Rendition rendition in result.Renditions.Where(r => r.Name != "320.jpg" && r.Name != "320.webp"))
        {
            Assert.Equal((500, 300), (rendition.Width, rendition.Height));
            Decoded image = Decoded.FromBytes(rendition.Bytes, directory);
            Assert.Equal((500, 300), (image.Width, image.Height));
        }

        Assert.All(result.Renditions.Where(r => r.Name.StartsWith("320", StringComparison.Ordinal)), r => Assert.Equal((320, 192), (r.Width, r.Height)));
    }

    [Fact]
    public void ThePortraitLongEdgeIsItsHeight()
    {
        string path = Photos.Save(directory, Photos.Gradient(1200, 1600), "portrait.jpg");

        PhotoResult result = processor.Process(
            path, [new RenditionSpec("small", 640, OutputFormat.WebP)], TestContext.Current.CancellationToken);

        Assert.Equal((480, 640), (result.Renditions[0].Width, result.Renditions[0].Height));
    }

    [Fact]
    public void RenditionsComeBackInTheOrderAskedFor()
    {
        string path = Photos.Save(directory, Photos.Gradient(900, 600), "photo.jpg");
        RenditionSpec[] specs =
        [
            new("b", 100, OutputFormat.WebP), new("a", 800, OutputFormat.Jpeg, Quality: 60),
            new("c", 100, OutputFormat.Jpeg), new("d", 400, OutputFormat.WebP, Quality: 95),
        ];

        PhotoResult result = processor.Process(path, specs, TestContext.Current.CancellationToken);

        Assert.Equal(["b", "a", "c", "d"], result.Renditions.Select(r => r.Name));
        Assert.Equal([100, 800, 100, 400], result.Renditions.Select(r => r.Width));
    }

    [Fact]
    public void HigherQualityMeansMoreBytes()
    {
        string path = Photos.Save(directory, Photos.Gradient(900, 600), "photo.jpg");
        RenditionSpec[] specs = [new("low", 600, OutputFormat.Jpeg, Quality: 30), new("high", 600, OutputFormat.Jpeg, Quality: 95)];

        PhotoResult result = processor.Process(path, specs, TestContext.Current.CancellationToken);

        Assert.True(result.Renditions[0].Bytes.Length < result.Renditions[1].Bytes.Length);
    }

    [Fact]
    public void WithNoRenditionsTheSizeAndBlurHashAreStillReported()
    {
        string path = Photos.Save(directory, Photos.Gradient(900, 600), "photo.jpg");

        PhotoResult result = processor.Process(path, [], TestContext.Current.CancellationToken);

        Assert.Equal((900, 600, 0), (result.Width, result.Height, result.Renditions.Count));
        Assert.Equal(28, result.BlurHash.Length);
    }

    [Fact]
    public void AnAlreadyCancelledRequestDoesNoWork()
    {
        string path = Photos.Save(directory, Photos.Gradient(900, 600), "photo.jpg");

        Assert.Throws<OperationCanceledException>(
            () => processor.Process(path, Photos.StandardSpecs, new CancellationToken(canceled: true)));
    }

    private static void AssertNear(byte[] expected, byte[] actual, int tolerance)
    {
        for (int band = 0; band < expected.Length; band++)
        {
            Assert.InRange(actual[band], expected[band] - tolerance, expected[band] + tolerance);
        }
    }
}
