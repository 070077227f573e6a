using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Places;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Features.Tags;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.Web;

namespace Pinhole.Server.Features.Feeds;

/// <summary>
/// Posts that travel: RSS and Atom feeds of an account (an organisation's too), a hashtag and a place; a post in
/// another site's iframe; and oEmbed, which tells a site how to embed a post from its link. Only public posts
/// leave this way (embeds also take unlisted ones, whose link was shared on purpose), read as nobody signed in.
/// </summary>
public static class FeedEndpoints
{
    public const string RssType = "application/rss+xml; charset=utf-8";
    public const string AtomType = "application/atom+xml; charset=utf-8";

    /// <summary>
    /// These URLs are also matched by the web pages' <c>/@{username}</c> and <c>/tags/{tag}</c> (a username
    /// "bob.rss" is no username, but a route does not know that); a lower order makes these win, never an ambiguity.
    /// </summary>
    private const int BeforePages = -1;

    public static WebApplication MapFeeds(this WebApplication app, RouteGroupBuilder api)
    {
        app.MapGet("/@{username}.rss", (string username, HttpContext http, Db db, StatusViews statuses, AccountViews accounts, PublicUrl urls, CancellationToken cancellationToken) =>
            AccountFeedAsync(username, rss: true, http, db, statuses, accounts, urls, cancellationToken)).WithOrder(BeforePages).WithName("feed.account.rss");
        app.MapGet("/@{username}.atom", (string username, HttpContext http, Db db, StatusViews statuses, AccountViews accounts, PublicUrl urls, CancellationToken cancellationToken) =>
            AccountFeedAsync(username, rss: false, http, db, statuses, accounts, urls, cancellationToken)).WithOrder(BeforePages).WithName("feed.account.atom");
        app.MapGet("/tags/{tag}.rss", (string tag, HttpContext http, Db db, StatusViews statuses, PublicUrl urls, CancellationToken cancellationToken) =>
            TagFeedAsync(tag, rss: true, http, db, statuses, urls, cancellationToken)).WithOrder(BeforePages).WithName("feed.tag.rss");
        app.MapGet("/tags/{tag}.atom", (string tag, HttpContext http, Db db, StatusViews statuses, PublicUrl urls, CancellationToken cancellationToken) =>
            TagFeedAsync(tag, rss: false, http, db, statuses, urls, cancellationToken)).WithOrder(BeforePages).WithName("feed.tag.atom");
        app.MapGet("/places/{id:long}.rss", (long id, HttpContext http, Db db, StatusViews statuses, PublicUrl urls, CancellationToken cancellationToken) =>
            PlaceFeedAsync(id, rss: true, http, db, statuses, urls, cancellationToken)).WithOrder(BeforePages).WithName("feed.place.rss");
        app.MapGet("/places/{id:long}.atom", (long id, HttpContext http, Db db, StatusViews statuses, PublicUrl urls, CancellationToken cancellationToken) =>
            PlaceFeedAsync(id, rss: false, http, db, statuses, urls, cancellationToken)).WithOrder(BeforePages).WithName("feed.place.atom");
        app.MapGet("/@{username}/{id:long}/embed", Embed).WithOrder(BeforePages).WithName("embed");
        api.MapGet("/oembed", OEmbedEndpoint.Get).AllowAnonymous().WithName("oembed");
        return app;
    }

    private static async Task<FileContentHttpResult> AccountFeedAsync(string username, bool rss, HttpContext http, Db db, StatusViews statuses, AccountViews accounts, PublicUrl urls,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var id = await connection.FindAccountIdAsync(username, cancellationToken) ?? throw ApiException.NotFound();
        var account = (await accounts.LoadAsync(connection, id, cancellationToken))!;
        var name = account.DisplayName.Length > 0 ? $"{account.DisplayName} (@{account.Acct})" : $"@{account.Acct}";
        var channel = new FeedChannel(name, $"Public posts from {name}", account.Url, account.Avatar,
            await PublicPosts.OfAccountAsync(connection, statuses, id, cancellationToken));
        return Write(http, channel, FeedUrls.AccountFeed(urls, account.Username, rss), rss, account);
    }

    private static async Task<FileContentHttpResult> TagFeedAsync(string tag, bool rss, HttpContext http, Db db, StatusViews statuses, PublicUrl urls, CancellationToken cancellationToken)
    {
        var name = StatusText.NormalizeTag(tag.TrimStart('#'));
        await using var connection = await db.OpenAsync(cancellationToken);
        var found = (name.Length is > 0 and <= 100 ? await TagViews.FindAsync(connection, name, cancellationToken) : null) ?? throw ApiException.NotFound();
        var channel = new FeedChannel($"#{found.Name}", $"Public posts tagged #{found.Name}", urls.Tag(found.Name), null,
            await PublicPosts.OfTagAsync(connection, statuses, found.Id, cancellationToken));
        return Write(http, channel, FeedUrls.TagFeed(urls, found.Name, rss), rss, null);
    }

    /// <summary>A place's feed: for a place anyone may see (one a public post was made at); else 404, as for none.</summary>
    private static async Task<FileContentHttpResult> PlaceFeedAsync(long id, bool rss, HttpContext http, Db db, StatusViews statuses, PublicUrl urls, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var place = (await PlaceVisibility.FindSeenAsync(connection, 0, id, cancellationToken)).Render(urls);
        var channel = new FeedChannel($"📍 {place.Name}", $"Public posts at {place.Name}", place.Url, null,
            await PublicPosts.AtPlaceAsync(connection, statuses, id, cancellationToken));
        return Write(http, channel, FeedUrls.PlaceFeed(urls, id, rss), rss, null);
    }

    private static FileContentHttpResult Write(HttpContext http, FeedChannel channel, string selfUrl, bool rss, MastodonApi.Entities.Account? author)
    {
        var generator = http.RequestServices.GetRequiredService<IOptions<PinholeOptions>>().Value.Title;
        // Public by definition; a reader polling every few minutes is answered from any cache on the way.
        http.Response.Headers.CacheControl = "public, max-age=300";
        return rss
            ? TypedResults.Bytes(FeedWriters.Rss(channel, selfUrl, generator), RssType)
            : TypedResults.Bytes(FeedWriters.Atom(channel, selfUrl, author, generator), AtomType);
    }

    /// <summary>The post for another site's iframe, or a small "not available" page (404) for anything not public or unlisted.</summary>
    private static async Task<IResult> Embed(string username, long id, HttpContext http, Db db, StatusViews statuses, PublicUrl urls,
        IOptions<PinholeOptions> options, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var status = await PublicPosts.EmbeddableAsync(connection, statuses, username, id, cancellationToken);
        http.Items[WebPages.PolicyItem] = EmbedStyle.Policy(new Uri(urls.Base).GetLeftPart(UriPartial.Authority));
        http.Response.Headers.CacheControl = status is null ? "no-store" : "public, max-age=300";
        return new RazorComponentResult<EmbedPage>(new { Status = status, Provider = options.Value.Title, OEmbedUrl = status?.Url is { } url ? FeedUrls.OEmbed(urls, url) : null })
        {
            StatusCode = status is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK,
        };
    }
}
