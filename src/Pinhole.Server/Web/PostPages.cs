using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.Web.Pages;

namespace Pinhole.Server.Web;

/// <summary>A post's own page (its pictures large, its comments and a comment box) and what its forms do: like, comment.</summary>
public static class PostPages
{
    private const string Post = $"/@{{username:{WebRoutes.Username}}}/{{id:long}}";

    public static RouteGroupBuilder MapPostPages(this RouteGroupBuilder pages)
    {
        pages.MapGet(Post, Show).WithName("page.post");
        pages.MapPost(Post + "/like", Like);
        pages.MapPost(Post + "/unlike", Unlike);
        pages.MapPost(Post + "/comment", Comment);
        return pages;
    }

    private static async Task<IResult> Show(string username, long id, WebContext web, Db db, StatusViews views, TimeProvider time, IOptions<PinholeOptions> options,
        CancellationToken cancellationToken)
    {
        MastodonApi.Entities.Status status;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            await StatusEndpoints.EnsureVisibleAsync(connection, web.ViewerId, id, cancellationToken);
            status = await views.RenderAsync(connection, web.ViewerId, id, cancellationToken) ?? throw ApiException.NotFound();
        }
        // A reblog has no page of its own, and a post is at its author's address: anything else goes where it lives.
        var post = status.Reblog ?? status;
        if (status.Reblog is not null || !string.Equals(post.Account.Username, username, StringComparison.Ordinal))
            return TypedResults.Redirect(WebRoutes.Post(post.Account.Username, post.Id));
        var context = (await StatusEndpoints.Context(id, web.Caller, db, views, time, cancellationToken)).Value!;
        return new RazorComponentResult<PostPage>(new
        {
            Status = status,
            Comments = context.Descendants,
            Parent = context.Ancestors.Count > 0 ? context.Ancestors[^1] : null,
            CanComment = web.SignedIn,
            MaxCharacters = options.Value.Statuses.MaxCharacters,
            web.Now,
        });
    }

    private static Task<IResult> Like(string username, long id, HttpContext http, WebContext web, StatusInteractions interactions, CancellationToken cancellationToken) =>
        WebForms.ActAsync(http, web, WebRoutes.Post(username, id.ToString(CultureInfo.InvariantCulture)),
            viewer => interactions.FavouriteAsync(viewer, id, cancellationToken), cancellationToken);

    private static Task<IResult> Unlike(string username, long id, HttpContext http, WebContext web, StatusInteractions interactions, CancellationToken cancellationToken) =>
        WebForms.ActAsync(http, web, WebRoutes.Post(username, id.ToString(CultureInfo.InvariantCulture)),
            viewer => interactions.UnfavouriteAsync(viewer, id, cancellationToken), cancellationToken);

    /// <summary>
    /// A comment is a reply, no more public than the post it answers; the form's one-time key makes a double
    /// submit (or a resent form) one comment.
    /// </summary>
    private static async Task<IResult> Comment(string username, long id, HttpContext http, WebContext web, Db db, StatusPosting posting, CancellationToken cancellationToken)
    {
        var form = await WebForms.ReadAsync(http, cancellationToken);
        if (!web.SignedIn)
            return WebForms.SignInFirst(http);
        Visibility parent;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            await StatusEndpoints.EnsureVisibleAsync(connection, web.ViewerId, id, cancellationToken);
            parent = (Visibility)await connection.QuerySingleAsync<int>(connection.Command(
                "SELECT visibility FROM statuses WHERE id = @id", new { id }, cancellationToken: cancellationToken));
        }
        var appId = await http.RequestServices.GetRequiredService<WebSessions>().WebAppIdAsync(cancellationToken);
        var key = form.Text("key");
        var reply = await posting.CreateAsync(web.ViewerId, new NewStatus(form.Text("status"), [], id, null, null,
            parent == Visibility.Public ? null : parent, null, string.IsNullOrEmpty(key) ? null : "web-comment:" + key, appId), cancellationToken);
        return TypedResults.LocalRedirect($"{WebRoutes.Post(username, id.ToString(CultureInfo.InvariantCulture))}#p-{reply.ToString(CultureInfo.InvariantCulture)}");
    }
}
