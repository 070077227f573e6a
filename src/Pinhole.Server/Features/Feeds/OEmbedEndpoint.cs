using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Feeds;

/// <summary>oEmbed 1.0's answer for a post: the <c>rich</c> type, whose HTML is an iframe of the embed page.</summary>
public sealed record OEmbed(
    string Type,
    string Version,
    string Title,
    string AuthorName,
    string AuthorUrl,
    string ProviderName,
    string ProviderUrl,
    long CacheAge,
    string Html,
    int Width,
    int Height,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ThumbnailUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ThumbnailWidth,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ThumbnailHeight);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(OEmbed))]
public sealed partial class OEmbedJson : JsonSerializerContext;

/// <summary>
/// <c>GET /api/oembed?url=…</c>: how another site embeds a post from its link (the discovery <c>&lt;link&gt;</c> on
/// post pages points here). Public and unlisted posts only, as Mastodon does; anything else is a 404, exactly as a
/// post that does not exist. JSON only: <c>format=xml</c> is a 501, as the oEmbed spec says for a format not offered.
/// </summary>
public static class OEmbedEndpoint
{
    public const int DefaultWidth = 400;
    public const int MinWidth = 200;

    public static async Task<IResult> Get(HttpContext http, Db db, StatusViews statuses, PublicUrl urls, IOptions<PinholeOptions> options, CancellationToken cancellationToken)
    {
        var query = RequestParams.FromQuery(http.Request.Query);
        var format = query.Text("format");
        if (!string.IsNullOrEmpty(format) && format != "json")
            throw new ApiException(StatusCodes.Status501NotImplemented, "Only format=json is offered");
        var maxWidth = query.Id("maxwidth");
        var maxHeight = query.Id("maxheight");
        if (maxWidth < MinWidth || maxHeight < 1)
            throw ApiException.Unprocessable($"Validation failed: maxwidth is at least {MinWidth} and maxheight at least 1");
        var (username, id) = PostOf(query.Text("url"), urls) ?? throw ApiException.NotFound();
        await using var connection = await db.OpenAsync(cancellationToken);
        var status = await PublicPosts.EmbeddableAsync(connection, statuses, username, id, cancellationToken) ?? throw ApiException.NotFound();

        var width = (int)Math.Min(DefaultWidth, maxWidth ?? DefaultWidth);
        var height = (int)Math.Min(EstimateHeight(status, width), maxHeight ?? int.MaxValue);
        var embedUrl = FeedUrls.Embed(urls, status.Account.Username, id);
        var title = FeedItems.Title(status);
        var html = $"<iframe src=\"{FeedItems.Escape(embedUrl)}\" class=\"pinhole-embed\" title=\"{FeedItems.Escape(title)}\" " +
            $"width=\"{width.ToString(CultureInfo.InvariantCulture)}\" height=\"{height.ToString(CultureInfo.InvariantCulture)}\" " +
            "style=\"max-width: 100%; border: 0\" loading=\"lazy\" allowfullscreen=\"allowfullscreen\" " +
            "sandbox=\"allow-popups allow-popups-to-escape-sandbox\"></iframe>";
        var thumbnail = status.MediaAttachments.FirstOrDefault(m => m.PreviewUrl is not null);
        return TypedResults.Json(new OEmbed(
            "rich", "1.0", title,
            status.Account.DisplayName.Length > 0 ? status.Account.DisplayName : "@" + status.Account.Acct, status.Account.Url,
            options.Value.Title, urls.Base + "/", CacheAge: 86400, html, width, height,
            thumbnail?.PreviewUrl, thumbnail?.Meta.Small?.Width, thumbnail?.Meta.Small?.Height), OEmbedJson.Default.OEmbed);
    }

    /// <summary>The username and post id of a post's link on this server (its page, its embed or its URI); null for anything else.</summary>
    public static (string Username, long Id)? PostOf(string? url, PublicUrl urls)
    {
        if (string.IsNullOrEmpty(url) || url.Length > 500 || !Uri.TryCreate(url, UriKind.Absolute, out var link) || !Uri.TryCreate(urls.Base, UriKind.Absolute, out var home)
            || !string.Equals(link.Authority, home.Authority, StringComparison.OrdinalIgnoreCase))
            return null;
        var segments = link.AbsolutePath.Trim('/').Split('/');
        var (username, id) = segments switch
        {
            [var user, var post] when user.StartsWith('@') => (user[1..], post),
            [var user, var post, "embed"] when user.StartsWith('@') => (user[1..], post),
            ["users", var user, "statuses", var post] => (user, post),
            _ => ("", ""),
        };
        return username.Length > 0 && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? (username, number) : null;
    }

    /// <summary>
    /// The frame's height for a width: the header and footer, the first media at its own aspect (as the page shows
    /// it, at most 560 px), a few lines of text. An estimate: a frame a little too tall or short only scrolls.
    /// </summary>
    public static int EstimateHeight(Status status, int width)
    {
        var height = 58 + 44;
        if (status.MediaAttachments.FirstOrDefault(m => m.Url is not null) is { } media)
        {
            var size = media.Meta.Original;
            height += media.Type == "audio" ? 54
                : size?.Width is > 0 && size.Height is > 0 ? Math.Min(560, (int)Math.Ceiling((double)width * size.Height.Value / size.Width.Value))
                : width;
        }
        var characters = FeedItems.PlainText(status.Content).Length;
        var perLine = Math.Max(20, (width - 24) / 8);
        height += characters == 0 ? 0 : 16 + 21 * (int)Math.Ceiling((double)characters / perLine);
        height += (status.Pinhole.Contributor is null ? 0 : 22) + (status.Pinhole.Place is null ? 0 : 22) + (status.Sensitive ? 40 : 0);
        return height;
    }
}

/// <summary>The addresses of a post's outward forms, for the web pages' discovery links and for oEmbed.</summary>
public static class FeedUrls
{
    public static string Embed(PublicUrl urls, string username, long id) => urls.Post(username, id) + "/embed";

    public static string OEmbed(PublicUrl urls, string postUrl) => urls.Asset("api/oembed?url=" + Uri.EscapeDataString(postUrl));

    public static string AccountFeed(PublicUrl urls, string username, bool rss = true) => urls.Asset($"@{username}.{(rss ? "rss" : "atom")}");

    public static string TagFeed(PublicUrl urls, string tag, bool rss = true) => urls.Tag(tag) + (rss ? ".rss" : ".atom");

    public static string PlaceFeed(PublicUrl urls, long placeId, bool rss = true) => urls.Asset(Places.PlacePaths.Page(placeId)) + (rss ? ".rss" : ".atom");
}
