using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Features.Tags;
using Pinhole.Server.Hosting;
using Pinhole.Server.Web.Pages;

namespace Pinhole.Server.Web;

/// <summary>The pages that are feeds: home (or, for a visitor, what this server is), explore and a hashtag.</summary>
public static class FeedPages
{
    public static RouteGroupBuilder MapFeedPages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/", Home);
        pages.MapGet("/explore", Explore);
        pages.MapGet($"/tags/{{tag:{WebRoutes.Hashtag}}}", Tag).WithName("page.tag");
        return pages;
    }

    private static async Task<IResult> Home(HttpContext http, WebContext web, Db db, StatusViews views, IOptions<PinholeOptions> options, PublicUrl urls,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        if (!web.SignedIn)
            return await LandingAsync(http, web, connection, views, options.Value, urls, cancellationToken);
        var statuses = await WebTimelines.HomeAsync(http, db, connection, views, web, cancellationToken);
        return new RazorComponentResult<HomeFeedPage>(new
        {
            Statuses = statuses,
            Here = WebPaging.Here(http),
            Older = WebPaging.OlderInFeed(http, statuses.Count),
        });
    }

    private sealed class NodeCounts
    {
        public long People { get; init; }
        public long Posts { get; init; }
    }

    /// <summary>What someone who is not signed in sees first: what this server is, how to join, and its latest photos.</summary>
    private static async Task<IResult> LandingAsync(HttpContext http, WebContext web, System.Data.Common.DbConnection connection,
        StatusViews views, PinholeOptions settings, PublicUrl urls, CancellationToken cancellationToken)
    {
        var counts = await connection.QuerySingleAsync<NodeCounts>(connection.Command(
            "SELECT (SELECT COUNT(*) FROM users) AS people, (SELECT COUNT(*) FROM statuses WHERE reblog_of_id IS NULL) AS posts",
            cancellationToken: cancellationToken));
        var recent = await WebTimelines.ExploreAsync(http, connection, views, web, cancellationToken);
        return new RazorComponentResult<LandingPage>(new
        {
            settings.Title,
            settings.Description,
            urls.Domain,
            counts.People,
            counts.Posts,
            RegistrationsOpen = settings.Registrations != RegistrationMode.Closed,
            Recent = recent,
        });
    }

    private static async Task<IResult> Explore(HttpContext http, WebContext web, Db db, StatusViews views, Trends trends, TagViews tags,
        CancellationToken cancellationToken)
    {
        var trending = await trends.CurrentAsync(cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        var statuses = await WebTimelines.ExploreAsync(http, connection, views, web, cancellationToken);
        return new RazorComponentResult<ExplorePage>(new
        {
            Tags = await tags.RenderAsync(connection, web.ViewerId, trending.Tags.Take(12).ToList(), web.Now, cancellationToken),
            Statuses = statuses,
            Older = WebPaging.OlderInFeed(http, statuses.Count),
        });
    }

    /// <summary>A hashtag's public posts, over the last hour, day or week or all of them; new ones arrive live.</summary>
    private static async Task<IResult> Tag(string tag, string? window, HttpContext http, WebContext web, Db db, StatusViews views, TagViews tags,
        CancellationToken cancellationToken)
    {
        var name = StatusText.NormalizeTag(tag);
        window ??= "all";
        if (!WebTimelines.TagWindows.TryGetValue(window, out var span))
            return WebForms.Message(StatusCodes.Status400BadRequest, "No such time window", "A hashtag can be shown for the last hour, day or week, or all of it.");
        await using var connection = await db.OpenAsync(cancellationToken);
        var found = await TagViews.FindAsync(connection, name, cancellationToken);
        var statuses = found is null ? [] : await WebTimelines.TagAsync(http, connection, views, web, found.Id, web.Now - span, cancellationToken);
        var rendered = found is null ? null : (await tags.RenderAsync(connection, web.ViewerId, [found], web.Now, cancellationToken))[0];
        return new RazorComponentResult<TagPage>(new
        {
            Name = name,
            Window = window,
            Tag = rendered,
            Statuses = statuses,
            Here = WebPaging.Here(http),
            Older = WebPaging.OlderInFeed(http, statuses.Count),
        });
    }
}
