using System.Text.Json;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using MetadataExtractor.Formats.Icc;
using MetadataExtractor.Formats.Iptc;
using MetadataExtractor.Formats.Jpeg;
using MetadataExtractor.Formats.Xmp;
using Pinhole.Media.Tests.Support;
using MetadataDirectory = MetadataExtractor.Directory;

namespace Pinhole.Media.Tests;

public sealed class MetadataStrippingTests : IDisposable
{
    private static readonly string[] Tags =
    [
        "-GPSLatitude=51.5007", "-GPSLatitudeRef=N", "-GPSLongitude=0.1246", "-GPSLongitudeRef=W",
        "-Make=PinholeCam", "-Model=Secret 9000", "-ExifIFD:SerialNumber=SN-0042-SECRET", "-Artist=Jane Doe",
        "-XMP-dc:Title=Secret title", "-XMP-dc:Creator=Jane Doe",
        "-IPTC:Keywords=secret-keyword", "-IPTC:City=Secret City",
        "-Comment=secret comment",
    ];

    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    [Fact]
    public void TheFixtureReallyCarriesEveryKindOfMetadata()
    {
        IReadOnlyList<MetadataDirectory> found = ImageMetadataReader.ReadMetadata(TaggedJpeg());

        Assert.Contains(found, d => d is GpsDirectory);
        Assert.Contains(found, d => d is ExifIfd0Directory ifd0 && ifd0.GetDescription(ExifDirectoryBase.TagMake) == "PinholeCam");
        Assert.Contains(found, d => d is ExifSubIfdDirectory);
        Assert.Contains(found, d => d is XmpDirectory);
        Assert.Contains(found, d => d is IptcDirectory);
        Assert.Contains(found, d => d is IccDirectory);
        Assert.Contains(found, d => d is JpegCommentDirectory);
    }

    [Fact]
    public void GpsTagsAreStrippedFromEveryRendition()
    {
        foreach (IReadOnlyList<MetadataDirectory> found in MetadataOfEveryRendition(TaggedJpeg()))
        {
            Assert.DoesNotContain(found, d => d is GpsDirectory);
        }
    }

    [Fact]
    public void CameraMakeModelAndSerialNumberAreStrippedFromEveryRendition()
    {
        foreach (IReadOnlyList<MetadataDirectory> found in MetadataOfEveryRendition(TaggedJpeg()))
        {
            Assert.DoesNotContain(found, d => d is ExifIfd0Directory);
            Assert.DoesNotContain(found, d => d is ExifSubIfdDirectory);
            Assert.DoesNotContain(found, d => d.Tags.Any(t => t.Description?.Contains("SECRET", StringComparison.Ordinal) == true));
        }
    }

    [Fact]
    public void XmpIsStrippedFromEveryRendition()
    {
        foreach (IReadOnlyList<MetadataDirectory> found in MetadataOfEveryRendition(TaggedJpeg()))
        {
            Assert.DoesNotContain(found, d => d is XmpDirectory);
        }
    }

    [Fact]
    public void IptcIsStrippedFromEveryRendition()
    {
        foreach (IReadOnlyList<MetadataDirectory> found in MetadataOfEveryRendition(TaggedJpeg()))
        {
            Assert.DoesNotContain(found, d => d is IptcDirectory);
        }
    }

    [Fact]
    public void IccProfileIsStrippedFromEveryRendition()
    {
        foreach (IReadOnlyList<MetadataDirectory> found in MetadataOfEveryRendition(TaggedJpeg()))
        {
            Assert.DoesNotContain(found, d => d is IccDirectory);
        }
    }

    [Fact]
    public void CommentsAreStrippedFromEveryRendition()
    {
        foreach (IReadOnlyList<MetadataDirectory> found in MetadataOfEveryRendition(TaggedJpeg()))
        {
            Assert.DoesNotContain(found, d => d is JpegCommentDirectory);
        }
    }

    [Fact]
    public void ExifToolFindsNothingIdentifyingInAnyRendition()
    {
        PhotoResult result = processor.Process(TaggedJpeg(), Photos.StandardSpecs, TestContext.Current.CancellationToken);

        foreach (Rendition rendition in result.Renditions)
        {
            string path = directory.File("out-" + rendition.Name);
            File.WriteAllBytes(path, rendition.Bytes);
            using JsonDocument json = JsonDocument.Parse(Tool.Run("exiftool", "-json", "-a", "-G1", path));
            string[] keys = json.RootElement[0].EnumerateObject().Select(p => p.Name).ToArray();

            Assert.DoesNotContain(keys, k => k.StartsWith("GPS:", StringComparison.Ordinal));
            Assert.DoesNotContain(keys, k => k.StartsWith("IFD0:", StringComparison.Ordinal));
            Assert.DoesNotContain(keys, k => k.StartsWith("ExifIFD:", StringComparison.Ordinal));
            Assert.DoesNotContain(keys, k => k.StartsWith("XMP", StringComparison.Ordinal));
            Assert.DoesNotContain(keys, k => k.StartsWith("IPTC:", StringComparison.Ordinal));
            Assert.DoesNotContain(keys, k => k.StartsWith("ICC", StringComparison.Ordinal));
            Assert.DoesNotContain(keys, k => k.EndsWith(":Comment", StringComparison.Ordinal));
            Assert.DoesNotContain("Secret", json.RootElement.GetRawText(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("tagged.png")]
    [InlineData("tagged.webp")]
    public void MetadataInPngAndWebPUploadsIsStrippedToo(string name)
    {
        string path = Photos.Save(directory, Photos.Gradient(300, 200), name, name.EndsWith(".png", StringComparison.Ordinal) ? "[compression=1]" : "");
        Tool.ExifTool(path, "-GPSLatitude=51.5007", "-GPSLatitudeRef=N", "-Make=PinholeCam", "-XMP-dc:Title=Secret title");
        Assert.Contains(ImageMetadataReader.ReadMetadata(path), d => d is GpsDirectory);

        foreach (IReadOnlyList<MetadataDirectory> found in MetadataOfEveryRendition(path))
        {
            Assert.DoesNotContain(found, d => d is GpsDirectory or ExifIfd0Directory or XmpDirectory);
        }
    }

    private string TaggedJpeg()
    {
        string path = Photos.Save(directory, Photos.Gradient(600, 400), "tagged.jpg", "[Q=90,profile=srgb]");
        Tool.ExifTool(path, Tags);
        return path;
    }

    private IEnumerable<IReadOnlyList<MetadataDirectory>> MetadataOfEveryRendition(string path)
    {
        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);
        Assert.Equal(Photos.StandardSpecs.Length, result.Renditions.Count);
        foreach (Rendition rendition in result.Renditions)
        {
            using var stream = new MemoryStream(rendition.Bytes);
            yield return ImageMetadataReader.ReadMetadata(stream);
        }
    }
}
