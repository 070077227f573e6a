using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

/// <summary>The optional AVIF renditions: right size, right way up, AVIF by their bytes, and as bare of metadata as the others.</summary>
public sealed class AvifTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    [Fact]
    public void APhotoWithGpsBecomesAnUprightAvifWithoutAnyMetadata()
    {
        // Stored sideways with EXIF orientation 6, GPS and a camera serial, as a phone writes it.
        string path = Photos.Save(directory, Photos.RedCorner(600, 400), "phone.jpg", "[Q=95]");
        Tool.ExifTool(path, "-Orientation#=6", "-GPSLatitude=39.0392", "-GPSLatitudeRef=N", "-GPSLongitude=125.7625", "-GPSLongitudeRef=E",
            "-Make=PinholeCam", "-ExifIFD:SerialNumber=SN-0042-SECRET");

        PhotoResult result = processor.Process(path, [new RenditionSpec("320", 320, OutputFormat.Avif, Quality: 55)], TestContext.Current.CancellationToken);

        byte[] avif = Assert.Single(result.Renditions).Bytes;
        Assert.Equal(SniffedType.Avif, FileSniffer.Sniff(avif.AsSpan(0, Math.Min(avif.Length, FileSniffer.HeadLength))));
        Decoded decoded = Decoded.FromBytes(avif, directory);
        Assert.Equal((213, 320), (decoded.Width, decoded.Height));
        string file = directory.File("out.avif");
        File.WriteAllBytes(file, avif);
        string tags = Tool.Run("exiftool", "-a", "-G1", file);
        Assert.DoesNotContain("GPS", tags, StringComparison.Ordinal);
        Assert.DoesNotContain("PinholeCam", tags, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET", tags, StringComparison.Ordinal);
        Assert.DoesNotContain("Orientation", tags, StringComparison.Ordinal);
    }
}
