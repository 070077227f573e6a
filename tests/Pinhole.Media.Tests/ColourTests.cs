using MetadataExtractor;
using MetadataExtractor.Formats.Icc;
using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class ColourTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    // Pure sRGB red converted to Display P3 is stored as about (234, 51, 35), tagged with a P3 profile. A viewer
    // that honours the profile shows pure red; one that ignores it shows a duller, pinker red. Our outputs carry no
    // profile, so their pixels must be converted back to sRGB: about (255, 0, 0).
    [Theory]
    [InlineData("p3.jpg", "[Q=98]")]
    [InlineData("p3.png", "")]
    [InlineData("p3.webp", "[lossless]")]
    public void ADisplayP3PhotoComesOutAsPlainSrgb(string name, string options)
    {
        string path = DisplayP3Red(name, options);
        Assert.True(Decoded.FromFile(path).At(5, 5)[0] < 240, "the fixture stores P3 values, not sRGB ones");

        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        foreach (Rendition rendition in result.Renditions)
        {
            byte[] pixel = Decoded.FromBytes(rendition.Bytes, directory).At(5, 5);
            Assert.True(pixel[0] >= 245 && pixel[1] <= 15 && pixel[2] <= 15, $"{rendition.Name}: {string.Join(',', pixel)}");
            using var stream = new MemoryStream(rendition.Bytes);
            Assert.DoesNotContain(ImageMetadataReader.ReadMetadata(stream), d => d is IccDirectory);
        }
    }

    [Fact]
    public void AnUntaggedPhotoKeepsItsValues()
    {
        string path = Photos.Save(directory, new Canvas(40, 30).Fill(234, 51, 35), "untagged.png");

        PhotoResult result = processor.Process(
            path, [new RenditionSpec("webp", 40, OutputFormat.WebP, Quality: 100)], TestContext.Current.CancellationToken);

        byte[] pixel = Decoded.FromBytes(result.Renditions[0].Bytes, directory).At(20, 15);
        Assert.InRange(pixel[0], 229, 239);
        Assert.InRange(pixel[1], 46, 56);
        Assert.InRange(pixel[2], 30, 40);
    }

    [Fact]
    public void AGreyscalePhotoIsAccepted()
    {
        string rgb = Photos.Save(directory, Photos.Gradient(300, 200), "colour.png");
        string grey = directory.File("grey.jpg");
        Tool.Vips("colourspace", rgb, grey, "b-w");

        PhotoResult result = processor.Process(grey, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        Assert.All(result.Renditions, r => Assert.Equal((300, 200), (r.Width, r.Height)));
        Assert.Equal(28, result.BlurHash.Length);
    }

    [Fact]
    public void ACmykJpegComesOutAsRgb()
    {
        string rgb = Photos.Save(directory, new Canvas(60, 40).Fill(30, 90, 200), "blue.png");
        string cmyk = directory.File("cmyk.jpg");
        Tool.Vips("icc_transform", rgb, cmyk + "[Q=95]", "cmyk", "--input-profile", "srgb");
        Assert.Equal(4, Decoded.FromFile(cmyk).Bands);

        PhotoResult result = processor.Process(cmyk, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        foreach (Rendition rendition in result.Renditions)
        {
            Decoded image = Decoded.FromBytes(rendition.Bytes, directory);
            Assert.Equal(3, image.Bands);
            byte[] pixel = image.At(30, 20);
            Assert.True(pixel[2] > 150 && pixel[0] < 90, $"{rendition.Name}: still blue, {string.Join(',', pixel)}");
        }
    }

    [Fact]
    public void APhotoWithACorruptColourProfileIsStillAccepted()
    {
        byte[] junk = new byte[600];
        new Random(3).NextBytes(junk);
        string profile = directory.File("junk.icc");
        File.WriteAllBytes(profile, junk);
        string path = Photos.Save(directory, Photos.Gradient(300, 200), "corrupt-profile.jpg", $"[profile={profile}]");

        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        Assert.All(result.Renditions, r => Assert.Equal((300, 200), (r.Width, r.Height)));
    }

    private string DisplayP3Red(string name, string options)
    {
        string red = Photos.Save(directory, new Canvas(40, 30).Fill(Photos.Red), "red.png");
        string path = directory.File(name);
        Tool.Vips("icc_transform", red, path + options, "p3", "--input-profile", "srgb");
        return path;
    }
}
