using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class FormatTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    [Theory]
    [InlineData("photo.jpg", "", SniffedType.Jpeg)]
    [InlineData("photo.png", "", SniffedType.Png)]
    [InlineData("photo.webp", "", SniffedType.WebP)]
    [InlineData("photo.gif", "", SniffedType.Gif)]
    [InlineData("photo.heic", "", SniffedType.Heif)]
    [InlineData("photo.avif", "", SniffedType.Avif)]
    public void EachStillImageFormatIsAccepted(string name, string options, SniffedType expectedType)
    {
        string path = Photos.Save(directory, Photos.RedCorner(120, 80), name, options);

        ImageHeader header = processor.ReadHeader(path);
        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        Assert.Equal(new ImageHeader(expectedType, 120, 80), header);
        Assert.Equal((120, 80), (result.Width, result.Height));
        foreach (Rendition rendition in result.Renditions.Where(r => r.Width == 120))
        {
            Decoded image = Decoded.FromBytes(rendition.Bytes, directory);
            Assert.True(Decoded.IsRed(image.AtFraction(0.25, 0.25)), $"{rendition.Name}: red top-left");
            Assert.False(Decoded.IsRed(image.AtFraction(0.75, 0.75)), $"{rendition.Name}: white bottom-right");
        }
    }

    [Fact]
    public void AFileIsJudgedByItsBytesNotItsName()
    {
        string png = Photos.Save(directory, Photos.RedCorner(), "actually-a.png");
        string misnamed = directory.File("holiday.jpg");
        File.Move(png, misnamed);

        Assert.Equal(SniffedType.Png, processor.ReadHeader(misnamed).Type);
        Assert.Equal(8, processor.Process(misnamed, Photos.StandardSpecs, TestContext.Current.CancellationToken).Renditions.Count);
    }

    [Fact]
    public void A16BitPngWithAlphaBecomes8BitOutput()
    {
        string eightBit = Photos.Save(directory, new Canvas(100, 50, channels: 4).Fill(255, 0, 0, 128), "half.png");
        string sixteenBit = directory.File("half16.png");
        Tool.Vips("colourspace", eightBit, sixteenBit, "rgb16");

        PhotoResult result = processor.Process(
            sixteenBit,
            [new RenditionSpec("a.jpg", 100, OutputFormat.Jpeg), new RenditionSpec("a.webp", 100, OutputFormat.WebP)],
            TestContext.Current.CancellationToken);

        byte[] jpeg = Decoded.FromBytes(result.Renditions[0].Bytes, directory).At(50, 25);
        Assert.True(jpeg[0] > 240 && jpeg[1] is > 112 and < 142, $"jpeg {string.Join(',', jpeg)}: half-transparent red on white");
        byte[] webp = Decoded.FromBytes(result.Renditions[1].Bytes, directory).At(50, 25);
        Assert.True(webp[0] > 240 && webp[3] is > 115 and < 140, $"webp {string.Join(',', webp)}: red, half transparent");
    }
}
