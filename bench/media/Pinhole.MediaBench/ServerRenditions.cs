using System.Globalization;
using Pinhole.Media;

namespace Pinhole.MediaBench;

/// <summary>
/// What the server asks of the media library, copied from src/Pinhole.Server/Features/Media (MediaRenderer.PhotoAsync
/// for the photo specs, PinholeOptions for the defaults, VideoPipeline for the runner) as they stood on the
/// media-server branch: the library's public API cannot say which renditions the server wants, and the benchmark
/// must ask for exactly those. Keep in step when the server changes them.
/// </summary>
internal static class ServerRenditions
{
    /// <summary>Pinhole:Media:MaxImagePixels' default.</summary>
    public const long MaxImagePixels = 100_000_000;

    /// <summary>Pinhole:Media:OriginalMaxEdge's default.</summary>
    public const int OriginalMaxEdge = 2048;

    private static readonly int[] SmallerSizes = [1080, 640, 320];
    private static readonly int[] SquareSizes = [640, 320];

    /// <summary>
    /// The original (capped) and each smaller size below it, then the square crops, each in the primary format and
    /// then the other: for a 12-megapixel JPEG, 2048, 1080, 640 and 320 as JPEG q85 and WebP q82, and squares of 640
    /// and 320 as JPEG q82 and WebP q80.
    /// </summary>
    /// <param name="originalMaxEdge">Pinhole:Media:OriginalMaxEdge, a setting of the server.</param>
    public static IReadOnlyList<RenditionSpec> Photo(ImageHeader header, int originalMaxEdge = OriginalMaxEdge)
    {
        var primary = header.Type is SniffedType.Png or SniffedType.WebP or SniffedType.Gif ? OutputFormat.WebP : OutputFormat.Jpeg;
        var secondary = primary == OutputFormat.Jpeg ? OutputFormat.WebP : OutputFormat.Jpeg;
        var shortEdge = Math.Min(header.Width, header.Height);
        var original = Math.Min(Math.Max(header.Width, header.Height), originalMaxEdge);
        var sizes = SmallerSizes.Where(size => size < original)
            .Select(size => (Name: size.ToString(CultureInfo.InvariantCulture), Edge: size))
            .Prepend((Name: "original", Edge: original));
        return sizes
            .Select(size => (Spec: new RenditionSpec(size.Name, size.Edge, primary, Quality: 85), Second: new RenditionSpec(size.Name, size.Edge, secondary, Quality: 82)))
            .Concat(SquareSizes.Where(size => size <= shortEdge || size == SquareSizes[^1]).Select(size => (
                Spec: RenditionSpec.SquareCrop($"square-{size}", size, primary, quality: 82),
                Second: RenditionSpec.SquareCrop($"square-{size}", size, secondary, quality: 80))))
            .SelectMany(pair => new[] { pair.Spec, pair.Second })
            .ToList();
    }

    /// <summary>What VideoProcessor asks of its own PhotoProcessor for a poster frame of this long edge.</summary>
    public static IReadOnlyList<RenditionSpec> Poster(int longEdge) =>
        [new RenditionSpec("poster.jpg", longEdge, OutputFormat.Jpeg), new RenditionSpec("poster.webp", longEdge, OutputFormat.WebP)];

    /// <summary>The server's runner: Pinhole:Media:VideoJobs defaults to one tool per core, 2 on this machine.</summary>
    public static FfmpegRunnerOptions Runner(string ffmpeg = "ffmpeg", string ffprobe = "ffprobe") =>
        new() { MaxConcurrentJobs = 2, FfmpegPath = ffmpeg, FfprobePath = ffprobe };

    /// <summary>Pinhole:Media:MaxVideoSeconds' default, the other limits at theirs.</summary>
    public static VideoJob VideoJob() => new(new VideoLimits(TimeSpan.FromSeconds(60)));
}
