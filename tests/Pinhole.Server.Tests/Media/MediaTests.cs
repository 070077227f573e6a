using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Text;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Media;

public sealed class MediaTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnUploadedPhotoComesBackWithSizesBlurhashAndAltText()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        using var response = await minji.Client.SendUploadAsync(await TestImages.JpegWithGpsAsync(2400, 1600), description: "Mansu Hill", focus: "0.5,-0.25");
        var media = await Api.ReadSuccessAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image", media["type"]!.GetValue<string>());
        Assert.Equal("Mansu Hill", media["description"]!.GetValue<string>());
        Assert.Equal(2048, media["meta"]!["original"]!["width"]!.GetValue<int>());
        Assert.Equal(1365, media["meta"]!["original"]!["height"]!.GetValue<int>());
        Assert.Equal("2048x1365", media["meta"]!["original"]!["size"]!.GetValue<string>());
        Assert.Equal(640, media["meta"]!["small"]!["width"]!.GetValue<int>());
        Assert.Equal(0.5, media["meta"]!["focus"]!["x"]!.GetValue<double>());
        Assert.Matches("^[0-9A-Za-z#$%*+,-.:;=?@\\[\\]^_{|}~]{28}$", media["blurhash"]!.GetValue<string>());
    }

    [Fact]
    public async Task ServedFilesCarryNoLocationOrCameraDataAndAreCachedForAYear()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await minji.UploadAsync(await TestImages.JpegWithGpsAsync());

        foreach (var url in new[] { media["url"]!.GetValue<string>(), media["preview_url"]!.GetValue<string>() })
        {
            using var response = await minji.Client.GetAsync(url, Cancel);
            var bytes = await response.Content.ReadAsByteArrayAsync(Cancel);
            Assert.Equal("image/jpeg", response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
            var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(bytes));
            Assert.Empty(directories.OfType<GpsDirectory>());
            Assert.Empty(directories.OfType<ExifIfd0Directory>());
            Assert.Empty(directories.OfType<ExifSubIfdDirectory>());
        }
    }

    [Fact]
    public async Task APngBecomesWebPAndKeepsItsSize()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var media = await minji.UploadAsync(await TestImages.PngAsync(500, 300), "screen.png", "image/png");

        Assert.EndsWith(".webp", media["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(500, media["meta"]!["original"]!["width"]!.GetValue<int>());
        using var response = await minji.Client.GetAsync(media["url"]!.GetValue<string>(), Cancel);
        Assert.Equal("image/webp", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task TheBytesDecideTheTypeNotTheNameOrDeclaredType()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var media = await minji.UploadAsync(await TestImages.PngAsync(), "holiday.gif", "image/gif");

        Assert.Equal("image", media["type"]!.GetValue<string>());
        Assert.EndsWith(".webp", media["url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATruncatedJpegIsRefusedWithTheReason()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var jpeg = await TestImages.JpegWithGpsAsync();

        var error = await minji.Client.SendUploadAsync(jpeg[..(jpeg.Length / 2)]).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("damaged or truncated", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyFileIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        Assert.Contains("empty", await minji.Client.SendUploadAsync([]).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextRenamedAsAJpegIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var error = await minji.Client.SendUploadAsync(Encoding.UTF8.GetBytes("this is not a photo, just text pretending to be one")).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("not an image or video", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADecompressionBombIsRefusedFromItsHeaderAlone()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var bomb = PngDeclaring(50_000, 50_000);
        var clock = Stopwatch.StartNew();

        var error = await minji.Client.SendUploadAsync(bomb, "bomb.png", "image/png").ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("50000×50000 pixels, limit 100 megapixels", error, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task WithAvifOnEverySizeIsAlsoMadeInAvif()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Media:Avif"] = "true" });
        var minji = await app.RegisterAsync("minji");

        var media = await minji.UploadAsync(await TestImages.JpegWithGpsAsync(800, 600));

        var avif = media["pinhole"]!["renditions"]!.AsArray().Where(r => r!["content_type"]!.GetValue<string>() == "image/avif").ToList();
        Assert.Equal(["original", "640", "320"], avif.Select(r => r!["name"]!.GetValue<string>()));
        var bytes = await minji.Client.GetByteArrayAsync(avif[0]!["url"]!.GetValue<string>(), TestContext.Current.CancellationToken);
        Assert.Equal("ftypavif", System.Text.Encoding.ASCII.GetString(bytes, 4, 8));
    }

    [Fact]
    public async Task AFileOverTheSizeLimitIsRefusedWith413()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Media:MaxImageBytes"] = "100000" });
        var minji = await app.RegisterAsync("minji");

        await minji.Client.SendUploadAsync(await TestImages.PngAsync(600, 600)).ExpectErrorAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task AnUploadWithoutAFileIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        await minji.Client.PostAsync("/api/v2/media", new MultipartFormDataContent { { new StringContent("alt"), "description" } }, Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Theory]
    [InlineData("focus", "2,0")]
    [InlineData("focus", "left")]
    public async Task AFocusOutsideThePictureIsRefused(string key, string value)
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await minji.UploadAsync(await TestImages.PngAsync());

        await minji.Client.PutAsync($"/api/v1/media/{media.Id()}", Api.Form((key, value)), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task AltTextOverTheLimitIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        await minji.Client.SendUploadAsync(await TestImages.PngAsync(), description: new string('a', 1501)).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task AltTextAndFocusCanBeChangedBeforePostingByTheOwnerOnly()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");
        var media = await minji.UploadAsync(await TestImages.PngAsync());

        using var put = await minji.Client.PutAsync($"/api/v1/media/{media.Id()}", Api.Form(("description", "The Taedong river"), ("focus", "-0.5,0.5")), Cancel);
        var updated = await Api.ReadSuccessAsync(put);
        Assert.Equal("The Taedong river", updated["description"]!.GetValue<string>());
        Assert.Equal(-0.5, updated["meta"]!["focus"]!["x"]!.GetValue<double>());
        Assert.Equal("The Taedong river", (await minji.Client.GetJsonAsync($"/api/v1/media/{media.Id()}"))["description"]!.GetValue<string>());

        await other.Client.GetAsync($"/api/v1/media/{media.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.PutAsync($"/api/v1/media/{media.Id()}", Api.Form(("description", "mine")), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await minji.PostStatusAsync("posted", mediaIds: media.Id());
        await minji.Client.PutAsync($"/api/v1/media/{media.Id()}", Api.Form(("description", "too late")), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("/media/aa/bb/aaaaaaaaaaaaaaaaaaaaaaaaaa/original.jpg")]
    [InlineData("/media/../pinhole.db")]
    [InlineData("/media/%2e%2e/pinhole.db")]
    [InlineData("/media/aa/bb/..%2f..%2fpinhole.db")]
    public async Task UnknownOrForgedMediaPathsAreNotFound(string path)
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();

        using var response = await client.GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    /// <summary>A valid PNG whose header claims <paramref name="width"/>×<paramref name="height"/> but holds almost nothing.</summary>
    private static byte[] PngDeclaring(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header, width);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // RGB
        WriteChunk(png, "IHDR", header);
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            zlib.Write(new byte[1024]);
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        var crc = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    // PNG's CRC-32 (ISO 3309), bit by bit: a few lines here beat a package for one test.
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
