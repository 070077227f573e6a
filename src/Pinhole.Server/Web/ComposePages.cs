using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Media;
using Pinhole.Server.Features.Places;
using Pinhole.Server.Hosting;
using Pinhole.Server.Web.Pages;

namespace Pinhole.Server.Web;

/// <summary>
/// The compose page. Posting is the page's script calling the API (photos and videos over the resumable upload
/// endpoint, then the post), so the page itself only lays out the choices: files, filter, caption, alt text, who sees it,
/// where it was taken and, for a member of organisations, whom it is posted as.
/// </summary>
public static class ComposePages
{
    public static RouteGroupBuilder MapComposePages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/compose", Compose);
        return pages;
    }

    private static async Task<IResult> Compose(HttpContext http, WebContext web, IOptions<PinholeOptions> options, PublicUrl urls, Db db, CancellationToken cancellationToken)
    {
        if (!web.SignedIn)
            return WebForms.SignInFirst(http);
        await using var connection = await db.OpenAsync(cancellationToken);
        return new RazorComponentResult<ComposePage>(new
        {
            PostAs = await OrganizationPages.PostingChoicesAsync(connection, web.ViewerId, cancellationToken),
            Places = await PlaceSuggestionsAsync(connection, web.ViewerId, cancellationToken),
            Filters = Filters.All.Select(f => new ComposePage.FilterChoice(f.Id, f.Name, urls.Asset($"api/v1/pinhole/filters/{f.Id}/preview.webp"))).ToList(),
            MaxCharacters = options.Value.Statuses.MaxCharacters,
            Profile = WebRoutes.Profile(web.Viewer!.Username),
        });
    }

    /// <summary>
    /// Names for the place field's suggestions: the places the viewer named, then listed ones, newest first. The API
    /// finds or makes a place by name, so choosing one of these posts to that place's page.
    /// </summary>
    private static async Task<IReadOnlyList<string>> PlaceSuggestionsAsync(System.Data.Common.DbConnection connection, long viewer, CancellationToken cancellationToken) =>
        (await connection.QueryAsync<string>(connection.Command(
            $"""
            SELECT p.name FROM places p WHERE {PlaceVisibility.Listed("p")}
            ORDER BY CASE WHEN p.account_id = @viewer THEN 0 ELSE 1 END, p.id DESC LIMIT 50
            """, new { viewer }, cancellationToken: cancellationToken))).Distinct().ToList();
}
