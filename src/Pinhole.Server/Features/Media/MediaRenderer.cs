using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pinhole.Media;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Media;

/// <summary>What processing made of an upload: the columns of its media row once it is ready.</summary>
/// <param name="LowFollows">A video copied as it was: its low-bit-rate rendition is still to be made (<see cref="MediaRenderer.MakeLowAsync"/>).</param>
public sealed record MadeMedia(string Type, string FileKey, string ContentType, string? PreviewKey, string Meta, string? Blurhash, string Renditions,
    bool LowFollows = false)
{
    public IReadOnlyList<StoredRendition> Files => JsonSerializer.Deserialize(Renditions, MastodonJson.Default.IReadOnlyListStoredRendition) ?? [];
}

/// <summary>
/// Makes the files Pinhole serves from an upload's source, with the person's filter and focal point: photos in
/// several sizes and two formats (three with AVIF on; plus square crops for grids), videos and animated GIFs as H.264 MP4 with a
/// poster, audio as AAC. Every file is written anew by libvips or ffmpeg, so none carries the source's metadata.
/// </summary>
public sealed class MediaRenderer(IMediaStore store, PhotoPipeline photos, VideoPipeline videos, IOptions<PinholeOptions> options)
{
    private MediaSettings Settings => options.Value.Media;

    /// <summary>Long edges of the smaller photo sizes, besides the "original" (capped at <c>OriginalMaxEdge</c>).</summary>
    private static readonly int[] SmallerSizes = [1080, 640, 320];

    /// <summary>Square crops around the focal point, for profile grids.</summary>
    private static readonly int[] SquareSizes = [640, 320];

    /// <summary>
    /// The WebP files of the smallest size are what the data saver shows, a feed of them on a 3G link: quality 75
    /// makes them about a quarter smaller than 82 (19.0 → 14.1 KB for a detailed 320 px photo), which keeps a feed
    /// of 20 photos inside the web app's 400 KB budget. Every other file keeps the quality it is given.
    /// </summary>
    private static int Quality(OutputFormat format, int edge, int quality) =>
        format == OutputFormat.WebP && edge <= DataSaverEdge ? Math.Min(quality, DataSaverWebPQuality) : quality;

    private const int DataSaverEdge = 320;

    private const int DataSaverWebPQuality = 75;

    public async Task<MadeMedia> MakeAsync(MediaRow row, CancellationToken cancellationToken)
    {
        using var source = await store.FetchSourceAsync(row.SourceKey!, cancellationToken);
        return row.Type switch
        {
            "image" => await PhotoAsync(row, source.Path, cancellationToken),
            _ => await VideoAsync(row, source.Path, cancellationToken),
        };
    }

    /// <summary>
    /// The sizes to make of a photo whose long edge is <paramref name="longEdge"/>: the original (never enlarged,
    /// capped) and each smaller size below it, so a small photo is not stored three times at the same size.
    /// </summary>
    private List<(string Name, int Edge)> PhotoSizes(int longEdge)
    {
        var original = Math.Min(longEdge, Settings.OriginalMaxEdge);
        return SmallerSizes.Where(size => size < original).Select(size => (size.ToString(CultureInfo.InvariantCulture), size))
            .Prepend(("original", original)).ToList();
    }

    private async Task<MadeMedia> PhotoAsync(MediaRow row, string path, CancellationToken cancellationToken)
    {
        var header = photos.ReadHeader(path);
        // Photos from cameras stay JPEG as their main format; anything that may carry transparency (PNG, WebP, GIF) leads with WebP.
        var primary = header.Type is SniffedType.Png or SniffedType.WebP or SniffedType.Gif ? OutputFormat.WebP : OutputFormat.Jpeg;
        var secondary = primary == OutputFormat.Jpeg ? OutputFormat.WebP : OutputFormat.Jpeg;
        var shortEdge = Math.Min(header.Width, header.Height);
        var specs = PhotoSizes(Math.Max(header.Width, header.Height))
            .Select(size => (Spec: new RenditionSpec(size.Name, size.Edge, primary, Quality: Quality(primary, size.Edge, 85)),
                Second: new RenditionSpec(size.Name, size.Edge, secondary, Quality: Quality(secondary, size.Edge, 82))))
            .Concat(SquareSizes.Where(size => size <= shortEdge || size == SquareSizes[^1]).Select(size => (
                Spec: RenditionSpec.SquareCrop($"square-{size}", size, primary, quality: Quality(primary, size, 82)),
                Second: RenditionSpec.SquareCrop($"square-{size}", size, secondary, quality: Quality(secondary, size, 80)))))
            .SelectMany(pair => new[] { pair.Spec, pair.Second }).ToList();
        if (Settings.Avif)
            specs.AddRange(PhotoSizes(Math.Max(header.Width, header.Height)).Select(size => new RenditionSpec(size.Name, size.Edge, OutputFormat.Avif, Quality: 55)));
        var edits = new PhotoEdits(new FocusPoint(row.FocusX, row.FocusY), row.Filter);
        var photo = await photos.ProcessAsync(path, specs, edits, cancellationToken);

        var folder = MediaKeys.NewFolder();
        var stored = new List<StoredRendition>();
        foreach (var rendition in photo.Renditions)
        {
            var (extension, contentType) = rendition.Format switch
            {
                OutputFormat.Jpeg => ("jpg", "image/jpeg"),
                OutputFormat.Avif => ("avif", "image/avif"),
                _ => ("webp", "image/webp"),
            };
            var key = $"{folder}/{rendition.Name}.{extension}";
            using var bytes = new MemoryStream(rendition.Bytes, writable: false);
            await store.PutAsync(key, bytes, cancellationToken);
            stored.Add(new StoredRendition(rendition.Name, key, contentType, rendition.Width, rendition.Height, rendition.Bytes.Length));
        }
        var original = stored[0];
        var small = stored.FirstOrDefault(r => r.Name == "640" && r.ContentType == original.ContentType) ?? original;
        var meta = new MediaMeta { Original = MediaSize.Of(original.Width, original.Height), Small = MediaSize.Of(small.Width, small.Height) };
        return Made("image", original, small, meta, photo.BlurHash, stored);
    }

    private async Task<MadeMedia> VideoAsync(MediaRow row, string path, CancellationToken cancellationToken)
    {
        var work = Path.Combine(options.Value.DataDir, "tmp", "video-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            var video = row.Type == "gifv"
                ? await videos.ProcessGifAsync(path, work, row.Filter, cancellationToken)
                : await videos.ProcessAsync(path, work, row.Filter, cancellationToken);
            var folder = MediaKeys.NewFolder();
            var stored = new List<StoredRendition>();
            foreach (var output in video.Outputs)
            {
                var key = $"{folder}/{output.Name}{Path.GetExtension(output.Path)}";
                await store.PutFileAsync(key, output.Path, cancellationToken);
                stored.Add(new StoredRendition(output.Name, key, output.ContentType, output.Width, output.Height, output.Bytes));
            }
            StoredRendition? poster = null;
            if (video.Poster is { } still)
            {
                foreach (var (file, contentType) in new[] { (still.JpegPath, "image/jpeg"), (still.WebPPath, "image/webp") })
                {
                    var key = $"{folder}/poster{Path.GetExtension(file)}";
                    await store.PutFileAsync(key, file, cancellationToken);
                    stored.Add(new StoredRendition("poster", key, contentType, still.Width, still.Height, new FileInfo(file).Length));
                }
                poster = stored.First(r => r.Name == "poster");
            }
            var main = stored[0];
            var type = video.Kind switch { VideoKind.Gifv => "gifv", VideoKind.Audio => "audio", _ => "video" };
            return Made(type, main, poster, VideoMeta(video, main, poster), video.Poster?.BlurHash, stored) with { LowFollows = video.LowFollows is not null };
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>
    /// The low-bit-rate rendition of a ready video that went out without one, made from its main file and stored beside
    /// it; null when it needs none (or has one).
    /// </summary>
    public async Task<StoredRendition?> MakeLowAsync(MediaRow row, CancellationToken cancellationToken)
    {
        var renditions = JsonSerializer.Deserialize(row.Renditions, MastodonJson.Default.IReadOnlyListStoredRendition) ?? [];
        if (row.Type != "video" || renditions.FirstOrDefault(r => r.Key == row.FileKey) is not { } main || renditions.Any(r => r.Name == LowName))
            return null;
        var plan = VideoRenditions.Plan(main.Width, main.Height);
        if (plan.FirstOrDefault(p => p.Name == LowName) is not { Name: not null } low)
            return null;
        var work = Path.Combine(options.Value.DataDir, "tmp", "video-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(work);
        try
        {
            using var file = await store.FetchAsync(main.Key, cancellationToken);
            var output = await videos.MakeLowAsync(file.Path, Path.Combine(work, LowName + ".mp4"), low.Size, cancellationToken);
            var key = $"{main.Key[..main.Key.LastIndexOf('/')]}/{LowName}.mp4";
            await store.PutFileAsync(key, output.Path, cancellationToken);
            return new StoredRendition(LowName, key, output.ContentType, output.Width, output.Height, output.Bytes);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private const string LowName = "360p";

    /// <summary>Mastodon's video meta: the served file's size and rate at the top and in "original", the poster as "small".</summary>
    private static MediaMeta VideoMeta(ProcessedVideo video, StoredRendition main, StoredRendition? poster)
    {
        var seconds = Math.Round(video.Duration.TotalSeconds, 2);
        var output = video.Outputs[0];
        var audio = video.Probe.Audio;
        var visual = video.Kind != VideoKind.Audio;
        return new MediaMeta
        {
            Length = video.Duration.ToString(@"h\:mm\:ss\.ff", CultureInfo.InvariantCulture),
            Duration = seconds,
            Fps = visual && output.FrameRate is { } rate ? (int)Math.Round(rate) : null,
            Size = visual ? $"{main.Width}x{main.Height}" : null,
            Width = visual ? main.Width : null,
            Height = visual ? main.Height : null,
            Aspect = visual && main.Height > 0 ? (double)main.Width / main.Height : null,
            AudioEncode = audio is null || video.Kind == VideoKind.Gifv ? null : "aac",
            AudioBitrate = audio is null || video.Kind == VideoKind.Gifv ? null : $"{audio.SampleRate} Hz",
            AudioChannels = audio is null || video.Kind == VideoKind.Gifv ? null : audio.Channels == 1 ? "mono" : "stereo",
            Original = visual
                ? MediaSize.Of(main.Width, main.Height) with
                {
                    FrameRate = output.FrameRate?.ToString("0.###", CultureInfo.InvariantCulture),
                    Duration = seconds,
                    Bitrate = output.BitRate,
                }
                : new MediaSize { Duration = seconds, Bitrate = output.BitRate },
            Small = poster is null ? null : MediaSize.Of(poster.Width, poster.Height),
        };
    }

    private static MadeMedia Made(string type, StoredRendition main, StoredRendition? preview, MediaMeta meta, string? blurhash, IReadOnlyList<StoredRendition> stored) =>
        new(type, main.Key, main.ContentType, preview?.Key, JsonSerializer.Serialize(meta, MastodonJson.Default.MediaMeta), blurhash,
            JsonSerializer.Serialize(stored, MastodonJson.Default.IReadOnlyListStoredRendition));
}
