using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Media;
using Pinhole.Server.Hosting;
using Pinhole.Server.Web.Pages;

namespace Pinhole.Server.Web;

/// <summary>
/// The compose page. Posting is the page's script calling the API (photos and videos over the resumable upload
/// endpoint, then the post), so the page itself only lays out the choices: files, filter, caption, alt text, who sees it.
/// </summary>
public static class ComposePages
{
    public static RouteGroupBuilder MapComposePages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/compose", Compose);
        return pages;
    }

    private static IResult Compose(HttpContext http, WebContext web, IOptions<PinholeOptions> options, PublicUrl urls)
    {
        if (!web.SignedIn)
            return WebForms.SignInFirst(http);
        return new RazorComponentResult<ComposePage>(new
        {
            Filters = Filters.All.Select(f => new ComposePage.FilterChoice(f.Id, f.Name, urls.Asset($"api/v1/pinhole/filters/{f.Id}/preview.webp"))).ToList(),
            MaxCharacters = options.Value.Statuses.MaxCharacters,
            Profile = WebRoutes.Profile(web.Viewer!.Username),
        });
    }
}
