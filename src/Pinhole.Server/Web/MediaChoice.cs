using System.Globalization;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Web;

/// <summary>
/// Which of a photo's or video's files a page asks for. Normally every WebP size goes in a <c>srcset</c> and the
/// browser picks by screen; with the data saver on, the smallest that serves (320 px in feeds and grids, 640 px on
/// a post's own page) and the 360p video, which plays only when tapped.
/// </summary>
public static class MediaChoice
{
    private const string WebP = "image/webp";

    /// <summary>Where an image is shown: a feed card, a post's own page, or a square grid tile.</summary>
    public enum Place
    {
        Feed,
        Post,
        Grid,
    }

    public static string Sizes(Place place) => place switch
    {
        Place.Grid => "(min-width: 960px) 300px, 33vw",
        Place.Post => "(min-width: 700px) 600px, 100vw",
        _ => "(min-width: 520px) 470px, 100vw",
    };

    /// <summary>The one file the browser loads first (and the only one with the data saver on).</summary>
    public static string Src(MediaAttachment media, Place place, bool dataSaver)
    {
        var name = (place, dataSaver) switch
        {
            (Place.Grid, true) => "square-320",
            (Place.Grid, false) => "square-640",
            (Place.Feed, true) => "320",
            _ => "640",
        };
        // A photo smaller than the size asked for has no file of that size: its largest is the next best.
        return (Rendition(media, name) ?? Rendition(media, name.Replace("square-", "", StringComparison.Ordinal)) ?? Rendition(media, "original"))?.Url
            ?? media.PreviewUrl ?? media.Url ?? "";
    }

    /// <summary>Every WebP size for the place, as a srcset; null with the data saver on (the one small file only).</summary>
    public static string? Srcset(MediaAttachment media, Place place, bool dataSaver)
    {
        if (dataSaver)
            return null;
        var files = media.Pinhole.Renditions
            .Where(r => r.ContentType == WebP && (place == Place.Grid ? r.Name.StartsWith("square-", StringComparison.Ordinal) : !r.Name.StartsWith("square-", StringComparison.Ordinal)))
            .OrderBy(r => r.Width)
            .Select(r => $"{r.Url} {r.Width.ToString(CultureInfo.InvariantCulture)}w")
            .ToList();
        return files.Count > 1 ? string.Join(", ", files) : null;
    }

    /// <summary>The image's shape, for width and height attributes that keep the page from jumping as it loads.</summary>
    public static (int Width, int Height) Shape(MediaAttachment media)
    {
        if (media.Meta.Original is { Width: { } width, Height: { } height } && width > 0 && height > 0)
            return (width, height);
        return media.Meta.Small is { Width: { } w, Height: { } h } && w > 0 && h > 0 ? (w, h) : (1, 1);
    }

    /// <summary>The video file to play: 360p with the data saver on (when there is one), else the main one.</summary>
    public static string VideoSrc(MediaAttachment media, bool dataSaver) =>
        (dataSaver ? Rendition(media, "360p", "video/mp4")?.Url : null) ?? media.Url ?? "";

    public static string? Poster(MediaAttachment media) => Rendition(media, "poster")?.Url ?? media.PreviewUrl;

    /// <summary>A JPEG for link previews: chat apps and crawlers take JPEG everywhere.</summary>
    public static string? ShareImage(MediaAttachment media) =>
        media.Type == "image" ? Rendition(media, "1080", "image/jpeg")?.Url ?? Rendition(media, "original", "image/jpeg")?.Url ?? media.Url
        : Rendition(media, "poster", "image/jpeg")?.Url ?? media.PreviewUrl;

    private static MediaFile? Rendition(MediaAttachment media, string name, string type = WebP) =>
        media.Pinhole.Renditions.FirstOrDefault(r => r.Name == name && r.ContentType == type);
}
