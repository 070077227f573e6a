using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Places;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Hosting;
using Pinhole.Server.Web.Pages;

namespace Pinhole.Server.Web;

/// <summary>
/// A place's page, at the URL the API hands out for it (<c>/places/{id}</c>): its name, coarse area and public posts
/// over the same time windows as a hashtag's page. A place the viewer may not know of is a 404, as in the API.
/// </summary>
public static class PlacePages
{
    public static RouteGroupBuilder MapPlacePages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/places/{id:long}", Show).WithName("page.place");
        return pages;
    }

    private static async Task<IResult> Show(long id, string? window, HttpContext http, WebContext web, Db db, StatusViews views, PublicUrl urls,
        CancellationToken cancellationToken)
    {
        window ??= "all";
        if (!WebTimelines.TagWindows.TryGetValue(window, out var span))
            return WebForms.Message(StatusCodes.Status400BadRequest, "No such time window", "A place can be shown for the last hour, day or week, or all of it.");
        await using var connection = await db.OpenAsync(cancellationToken);
        var place = (await PlaceVisibility.FindSeenAsync(connection, web.ViewerId, id, cancellationToken)).Render(urls);
        // Its feeds are for anyone, so they exist only once anyone may see the place (a public or unlisted post there).
        var hasFeeds = await connection.ExecuteScalarAsync<long>(connection.Command(
            $"SELECT COUNT(*) FROM places p WHERE p.id = @id AND {PlaceVisibility.Seen("p")}", new { id, viewer = 0L }, cancellationToken: cancellationToken)) > 0;
        var statuses = await WebTimelines.PlaceAsync(http, connection, views, web, id, web.Now - span, cancellationToken);
        return new RazorComponentResult<PlacePage>(new
        {
            Place = place,
            Path = PathOf(id),
            Window = window,
            FeedsUrl = hasFeeds ? PathOf(id) : null,
            Statuses = statuses,
            Here = WebPaging.Here(http),
            Older = WebPaging.OlderInFeed(http, statuses.Count),
        });
    }

    public static string PathOf(long id) => "/" + PlacePaths.Page(id);

    public static string PathOf(string id) => "/" + PlacePaths.Page(long.Parse(id, CultureInfo.InvariantCulture));
}
