using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Feeds;

/// <summary>What a feed is about: its title, its page, its picture, and its newest public posts.</summary>
public sealed record FeedChannel(string Title, string Description, string PageUrl, string? ImageUrl, IReadOnlyList<Status> Items);

/// <summary>A file a post carries, as a feed's enclosure: the file served for it, its type and its size in bytes.</summary>
public sealed record Enclosure(string Url, string ContentType, long Length, string Medium, string? Description, int? Width, int? Height);

/// <summary>What every outward form of a post (RSS, Atom, the embed, oEmbed) says the same way: titles, credits, enclosures.</summary>
public static partial class FeedItems
{
    private const int TitleLength = 80;

    [GeneratedRegex("<br ?/?>|</p><p>", RegexOptions.IgnoreCase)]
    private static partial Regex LineBreaks();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>A post's HTML as plain text on one line.</summary>
    public static string PlainText(string html) =>
        Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(LineBreaks().Replace(html, " "), "")), " ").Trim();

    /// <summary>A title for a post, which has none: its content warning, the start of its text, or what it shows and whose it is.</summary>
    public static string Title(Status status)
    {
        if (status.SpoilerText.Length > 0)
            return Shorten(status.SpoilerText);
        var text = PlainText(status.Content);
        if (text.Length > 0)
            return Shorten(text);
        var kind = (status.MediaAttachments.Count > 0 ? status.MediaAttachments[0].Type : null) switch
        {
            "video" or "gifv" => "Video",
            "audio" => "Audio",
            "image" => "Photo",
            _ => "Post",
        };
        return $"{kind} by @{status.Account.Acct}";
    }

    /// <summary>"📷 by @drew" on an organisation's post whose maker chose credit; null otherwise.</summary>
    public static string? Credit(Status status) => status.Pinhole.Contributor is { } contributor ? $"📷 by @{contributor.Acct}" : null;

    /// <summary>Each media's served file (never the original upload, which is not served): the URL apps get, with its type and size.</summary>
    public static IReadOnlyList<Enclosure> Enclosures(Status status) =>
        status.MediaAttachments
            .Select(media => (media, file: media.Pinhole.Renditions.FirstOrDefault(r => r.Url == media.Url)))
            .Where(m => m.file is not null)
            .Select(m => new Enclosure(m.file!.Url, m.file.ContentType, m.file.Size, m.media.Type switch { "gifv" => "video", var type => type },
                m.media.Description, m.file.Width > 0 ? m.file.Width : null, m.file.Height > 0 ? m.file.Height : null))
            .ToList();

    /// <summary>The post as HTML for a feed reader: its text, its pictures, the credit and the place.</summary>
    public static string Html(Status status)
    {
        var html = new StringBuilder();
        if (status.SpoilerText.Length > 0)
            html.Append("<p><strong>").Append(Escape(status.SpoilerText)).Append("</strong></p>");
        html.Append(status.Content);
        foreach (var media in status.MediaAttachments.Where(m => m.PreviewUrl is not null))
        {
            html.Append("<p><a href=\"").Append(Escape(status.Url)).Append("\"><img src=\"").Append(Escape(media.PreviewUrl))
                .Append("\" alt=\"").Append(Escape(media.Description ?? "")).Append("\"/></a></p>");
        }
        if (Credit(status) is { } credit && status.Pinhole.Contributor is { } contributor)
            html.Append("<p><a href=\"").Append(Escape(contributor.Url)).Append("\">").Append(Escape(credit)).Append("</a></p>");
        if (status.Pinhole.Place is { } place)
            html.Append("<p>📍 <a href=\"").Append(Escape(place.Url)).Append("\">").Append(Escape(place.Name)).Append("</a></p>");
        return html.ToString();
    }

    /// <summary>HTML's five special characters only: WebUtility.HtmlEncode would also spell every emoji and Korean letter as an entity.</summary>
    public static string Escape(string? text) =>
        (text ?? "").Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\"", "&quot;", StringComparison.Ordinal).Replace("'", "&#39;", StringComparison.Ordinal);

    private static string Shorten(string text) =>
        text.Length <= TitleLength ? text : text[..(char.IsHighSurrogate(text[TitleLength - 2]) ? TitleLength - 2 : TitleLength - 1)].TrimEnd() + "…";
}
