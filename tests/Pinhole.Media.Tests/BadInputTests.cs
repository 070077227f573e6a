using System.Diagnostics;
using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    [Fact]
    public void AnEmptyFileIsRejected()
    {
        string path = Write("empty.jpg", []);

        Assert.Equal("the file is empty", Reject(path).Message);
    }

    [Fact]
    public void TextRenamedToJpgIsNotAnImage()
    {
        string path = Write("notes.jpg", "Dear diary, today I renamed a text file.\n"u8.ToArray());

        Assert.Equal("not an image or video", Reject(path).Message);
    }

    [Fact]
    public void AJpegCutInHalfIsRejectedAsTruncated()
    {
        // Busy pixels, so that most of the file is entropy-coded scan data.
        var noisy = new Canvas(800, 600).Paint((x, y) => [(byte)(x * y % 251), (byte)((x ^ y) * 7), (byte)(x * 13 + y * 3)]);
        byte[] whole = File.ReadAllBytes(Photos.Save(directory, noisy, "whole.jpg", "[Q=95]"));
        string path = Write("half.jpg", whole[..(whole.Length / 2)]);

        Assert.Equal("the JPEG image is damaged or truncated", Reject(path).Message);
    }

    [Fact]
    public void LibvipsOwnWordsAreKeptForTheLogs()
    {
        byte[] whole = File.ReadAllBytes(Photos.Save(directory, Photos.Gradient(800, 600), "whole.jpg", "[Q=95]"));
        string path = Write("half.jpg", whole[..(whole.Length / 2)]);

        MediaRejectedException error = Reject(path);

        Assert.NotNull(error.InnerException);
        Assert.Contains("jpeg", error.InnerException.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AJpegCutInHalfIsRejectedEvenForATinyRendition()
    {
        // Shrink-on-load decodes at 1/8 scale here; the truncation must still be noticed.
        var noisy = new Canvas(800, 600).Paint((x, y) => [(byte)(x * y % 251), (byte)((x ^ y) * 7), (byte)(x * 13 + y * 3)]);
        byte[] whole = File.ReadAllBytes(Photos.Save(directory, noisy, "whole.jpg", "[Q=95]"));
        string path = Write("half.jpg", whole[..(whole.Length / 2)]);

        var error = Assert.Throws<MediaRejectedException>(
            () => processor.Process(path, [new RenditionSpec("tiny", 64, OutputFormat.Jpeg)], CancellationToken.None));
        Assert.Equal("the JPEG image is damaged or truncated", error.Message);
    }

    [Fact]
    public void APngCutShortIsRejectedAsTruncated()
    {
        byte[] whole = new Canvas(300, 200).Paint((x, y) => [(byte)(x * y % 251), (byte)(x ^ y), (byte)(x + y)]).EncodePng();
        string path = Write("short.png", whole[..(whole.Length * 2 / 3)]);

        Assert.Equal("the PNG image is damaged or truncated", Reject(path).Message);
    }

    [Fact]
    public void APngDeclaring50000By50000PixelsIsRejectedByThePixelLimitWithoutDecoding()
    {
        // A valid IHDR (correct CRC) promising 2.5 gigapixels, followed by a few bytes of image data.
        byte[] bomb = Canvas.Png(Canvas.Ihdr(50_000, 50_000, colorType: 2), new byte[64]);
        string path = Write("bomb.png", bomb);

        var stopwatch = Stopwatch.StartNew();
        MediaRejectedException error = Reject(path);
        stopwatch.Stop();

        Assert.Equal("image is 50000×50000 pixels, limit 100 megapixels", error.Message);
        Assert.True(stopwatch.ElapsedMilliseconds < 1000, $"took {stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void ReadingTheHeaderOfAPixelBombIsRejectedToo()
    {
        string path = Write("bomb.png", Canvas.Png(Canvas.Ihdr(50_000, 50_000, colorType: 6), new byte[64]));

        var error = Assert.Throws<MediaRejectedException>(() => processor.ReadHeader(path));
        Assert.Equal("image is 50000×50000 pixels, limit 100 megapixels", error.Message);
    }

    [Fact]
    public void ThePixelLimitIsTheProcessorsOwn()
    {
        string path = Photos.Save(directory, Photos.Gradient(200, 100), "small.png");
        var strict = new PhotoProcessor(maxPixels: 10_000);

        var error = Assert.Throws<MediaRejectedException>(() => strict.ReadHeader(path));
        Assert.Equal("image is 200×100 pixels, limit 10000 pixels", error.Message);
    }

    [Fact]
    public void RandomBytesAfterAPngSignatureAreRejected()
    {
        byte[] garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        string path = Write("garbage.png", [.. Canvas.PngSignature, .. garbage]);

        Assert.Equal("the PNG image is damaged or truncated", Reject(path).Message);
    }

    [Fact]
    public void JpegMagicFollowedByGarbageIsRejectedAtDecode()
    {
        byte[] garbage = new byte[4096];
        new Random(7).NextBytes(garbage);
        string path = Write("polyglot.jpg", [0xFF, 0xD8, 0xFF, 0xE0, .. garbage]);

        Assert.Equal("the JPEG image is damaged or truncated", Reject(path).Message);
    }

    [Fact]
    public void AVideoIsRecognisedButNotSupportedYet()
    {
        byte[] mp4 = [0, 0, 0, 0x18, .. "ftypisom"u8, 0, 0, 2, 0, .. "isomiso2"u8, .. new byte[64]];
        string path = Write("clip.jpg", mp4);

        Assert.Equal("MP4 video is not supported yet", Reject(path).Message);
    }

    [Fact]
    public void AFormatLibvipsReadsButWeDoNotAcceptIsNotAnImage()
    {
        string tiff = directory.File("photo.tif");
        Tool.Vips("copy", Photos.Save(directory, Photos.Gradient(40, 30), "photo.png"), tiff);

        Assert.Equal("not an image or video", Reject(tiff).Message);
    }

    private MediaRejectedException Reject(string path) =>
        Assert.Throws<MediaRejectedException>(() => processor.Process(path, Photos.StandardSpecs, CancellationToken.None));

    private string Write(string name, byte[] bytes)
    {
        string path = directory.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
