using Pinhole.Media.Interop;
using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class FilterTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    public static TheoryData<string> FilterIds => [.. Filters.All.Select(f => f.Id)];

    [Fact]
    public void TheCatalogueHasAtLeastEightFiltersWithStableLowercaseIds()
    {
        Assert.True(Filters.All.Count >= 8);
        Assert.All(Filters.All, f => Assert.Matches("^[a-z][a-z0-9-]*$", f.Id));
        Assert.Equal(Filters.All.Count, Filters.All.Select(f => f.Id).Distinct().Count());
        Assert.All(Filters.All, f => Assert.False(string.IsNullOrWhiteSpace(f.Name + f.Description)));
        Assert.True(Filters.Exists("mono"));
        Assert.False(Filters.Exists("Mono"));
    }

    [Fact]
    public void AnUnknownFilterIsTheCallersMistake()
    {
        string path = Photos.Save(directory, Photos.Gradient(60, 40), "photo.png");

        Assert.Throws<ArgumentException>(() => processor.Process(
            path, Photos.StandardSpecs, new PhotoEdits(Filter: "no-such-filter"), TestContext.Current.CancellationToken));
    }

    // The same filter must look the same on a photo (libvips) and on a video frame (ffmpeg). Both renderers are fed
    // the same 8-bit RGB picture and give 8-bit RGB back; the mean of each channel must agree within 1 level of 255.
    // Why 1 (measured: 0.1 at most): the tone curves are the same 256-entry table on both sides (ffmpeg's lutrgb tabulates the expression
    // we generate, with the same rounding), so they add nothing; colorchannelmixer rounds each of its three products to
    // an integer before summing (up to ±1.5 per pixel, unbiased on average), where vips_recomb sums exactly and rounds
    // once; the vignette truncates in both but ffmpeg also truncates the pixel's distance from the centre, a
    // sub-level bias. Anything wrong in the recipe (a swapped matrix, a wrong curve) moves the means by tens of levels.
    [Theory]
    [MemberData(nameof(FilterIds))]
    public void AFilterGivesThePhotoAndTheVideoFrameTheSameColours(string id)
    {
        string png = Photos.Save(directory, Colourful(160, 120), "sample.png");

        byte[] photo = ApplyWithLibvips(png, id);
        byte[] video = ApplyWithFfmpeg(png, Filters.Recipe(id).FfmpegChain("rgb24"));

        Assert.Equal(photo.Length, video.Length);
        double[] photoMeans = ChannelMeans(photo);
        double[] videoMeans = ChannelMeans(video);
        for (int channel = 0; channel < 3; channel++)
        {
            Assert.True(
                Math.Abs(photoMeans[channel] - videoMeans[channel]) <= 1.0,
                $"{id} channel {channel}: libvips {photoMeans[channel]:F2}, ffmpeg {videoMeans[channel]:F2}");
        }
    }

    [Theory]
    [MemberData(nameof(FilterIds))]
    public void EveryFilterChangesThePicture(string id)
    {
        string png = Photos.Save(directory, Colourful(64, 48), "sample.png");
        byte[] original = Decoded.FromFile(png).Pixels;

        byte[] filtered = ApplyWithLibvips(png, id);

        double meanChange = original.Zip(filtered, (a, b) => Math.Abs(a - b)).Average();
        Assert.True(meanChange > 3, $"{id} changed pixels by {meanChange:F2} on average");
    }

    [Theory]
    [InlineData("mono")]
    [InlineData("noir")]
    public void BlackAndWhiteFiltersLeaveNoColour(string id)
    {
        string path = Photos.Save(directory, Colourful(64, 48), "sample.png");

        PhotoResult result = processor.Process(
            path, [new RenditionSpec("out.webp", 64, OutputFormat.WebP, Quality: 95)], new PhotoEdits(Filter: id), TestContext.Current.CancellationToken);

        Decoded image = Decoded.FromBytes(result.Renditions[0].Bytes, directory);
        for (int i = 0; i < image.Pixels.Length; i += 3)
        {
            Assert.InRange(image.Pixels[i] - image.Pixels[i + 2], -6, 6);
        }
    }

    [Fact]
    public void AFilteredPhotoKeepsItsSizesAndTransparency()
    {
        var canvas = new Canvas(120, 80, channels: 4).Fill(200, 100, 50, 255).FillRect(0, 0, 60, 80, 0, 0, 0, 0);
        string path = Photos.Save(directory, canvas, "alpha.png");

        PhotoResult result = processor.Process(
            path, [new RenditionSpec("out.webp", 60, OutputFormat.WebP, Quality: 95)], new PhotoEdits(Filter: "vintage"), TestContext.Current.CancellationToken);

        Decoded image = Decoded.FromBytes(result.Renditions[0].Bytes, directory);
        Assert.Equal((60, 40, 4), (image.Width, image.Height, image.Bands));
        Assert.Equal(0, image.AtFraction(0.1, 0.5)[3]);
        Assert.Equal(255, image.AtFraction(0.9, 0.5)[3]);
    }

    [Fact]
    public void TheBlurHashIsOfTheFilteredPicture()
    {
        string path = Photos.Save(directory, Colourful(120, 80), "sample.png");

        string plain = processor.Process(path, [], TestContext.Current.CancellationToken).BlurHash;
        string mono = processor.Process(path, [], new PhotoEdits(Filter: "mono"), TestContext.Current.CancellationToken).BlurHash;

        Assert.NotEqual(plain, mono);
    }

    [Fact]
    public void PreviewsRenderEveryFilterAsASmallSquare()
    {
        string path = Photos.Save(directory, Colourful(300, 200), "sample.jpg", "[Q=90]");

        IReadOnlyList<FilterPreview> previews = processor.PreviewFilters(path, 96, OutputFormat.WebP, TestContext.Current.CancellationToken);

        Assert.Equal(Filters.All, previews.Select(p => p.Filter));
        Assert.All(previews, p => Assert.Equal((96, 96), (p.Image.Width, p.Image.Height)));
        Assert.All(previews, p => Assert.Equal(SniffedType.WebP, FileSniffer.Sniff(p.Image.Bytes)));
        Assert.Equal(previews.Count, previews.Select(p => Convert.ToBase64String(p.Image.Bytes)).Distinct().Count());
        Assert.Equal(SniffedType.Jpeg, FileSniffer.Sniff(processor.Preview("warm", path, 64, OutputFormat.Jpeg)));
    }

    private static byte[] ApplyWithLibvips(string png, string id)
    {
        LibVips.EnsureInitialized();
        using VipsImage image = VipsImage.OpenHeader(png);
        using VipsImage filtered = PhotoFilterRenderer.Apply(image, Filters.Recipe(id));
        return filtered.ToPixels();
    }

    private byte[] ApplyWithFfmpeg(string png, string chain)
    {
        string raw = directory.File("frame.rgb");
        Ffmpeg.Run("-i", png, "-vf", chain, "-f", "rawvideo", "-pix_fmt", "rgb24", raw);
        return File.ReadAllBytes(raw);
    }

    private static double[] ChannelMeans(byte[] rgb)
    {
        var sums = new double[3];
        for (int i = 0; i < rgb.Length; i++)
        {
            sums[i % 3] += rgb[i];
        }

        return sums.Select(s => s / (rgb.Length / 3)).ToArray();
    }

    /// <summary>Hues across, light to dark down, plus grey and saturated patches: every part of a curve is exercised.</summary>
    private static Canvas Colourful(int width, int height) =>
        new Canvas(width, height).Paint((x, y) =>
        {
            double hue = 6.0 * x / width;
            double light = 1 - ((double)y / height);
            double r = Math.Clamp(Math.Abs(hue - 3) - 1, 0, 1), g = Math.Clamp(2 - Math.Abs(hue - 2), 0, 1), b = Math.Clamp(2 - Math.Abs(hue - 4), 0, 1);
            if (y > height * 3 / 4)
            {
                r = g = b = (double)x / width;
            }

            return [(byte)(255 * r * light), (byte)(255 * g * light), (byte)(255 * b * light)];
        });
}
