using System.Data.Common;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Follows;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;
using Pinhole.Server.Web.Pages;

namespace Pinhole.Server.Web;

/// <summary>A person's profile (their posts as a grid), who follows them and whom they follow, and following them.</summary>
public static class ProfilePages
{
    private const string Profile = $"/@{{username:{WebRoutes.Username}}}";

    public static RouteGroupBuilder MapProfilePages(this RouteGroupBuilder pages)
    {
        pages.MapGet(Profile, Show).WithName("page.profile");
        pages.MapGet(Profile + "/followers", Followers);
        pages.MapGet(Profile + "/following", Following);
        pages.MapPost(Profile + "/follow", Follow);
        pages.MapPost(Profile + "/unfollow", Unfollow);
        return pages;
    }

    private static async Task<IResult> Show(string username, HttpContext http, WebContext web, Db db, AccountViews accounts, StatusViews views,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var account = await FindAsync(connection, accounts, username, cancellationToken);
        var id = long.Parse(account.Id, System.Globalization.CultureInfo.InvariantCulture);
        var relationship = web.SignedIn && web.ViewerId != id
            ? (await Relationships.LoadAsync(connection, web.ViewerId, [id], web.Now, cancellationToken))[0]
            : null;
        var statuses = await WebTimelines.ProfileAsync(http, connection, views, web, id, cancellationToken);
        return new RazorComponentResult<ProfilePage>(new
        {
            Account = account,
            Relationship = relationship,
            Self = web.ViewerId == id,
            Statuses = statuses,
            Older = WebPaging.OlderInFeed(http, statuses.Count),
        });
    }

    private static Task<IResult> Followers(string username, HttpContext http, Db db, AccountViews accounts, CancellationToken cancellationToken) =>
        PeopleAsync(username, "followers", http, db, accounts, FollowEndpoints.Followers, cancellationToken);

    private static Task<IResult> Following(string username, HttpContext http, Db db, AccountViews accounts, CancellationToken cancellationToken) =>
        PeopleAsync(username, "following", http, db, accounts, FollowEndpoints.Following, cancellationToken);

    /// <summary>Followers or following, through the API's own handler (the same paging and the same rules).</summary>
    private static async Task<IResult> PeopleAsync(string username, string which, HttpContext http, Db db, AccountViews accounts,
        Func<long, HttpContext, Db, AccountViews, CancellationToken, Task<Ok<IReadOnlyList<Account>>>> list, CancellationToken cancellationToken)
    {
        Account account;
        await using (var connection = await db.OpenAsync(cancellationToken))
            account = await FindAsync(connection, accounts, username, cancellationToken);
        var people = (await list(long.Parse(account.Id, System.Globalization.CultureInfo.InvariantCulture), http, db, accounts, cancellationToken)).Value!;
        return new RazorComponentResult<PeoplePage>(new
        {
            Account = account,
            Which = which,
            People = people,
            Older = WebPaging.OlderInList(http, people.Count, Page.From(http.Request, defaultLimit: 40, maxLimit: 80).Limit),
        });
    }

    private static Task<IResult> Follow(string username, HttpContext http, WebContext web, Db db, AccountViews accounts, Follows follows, CancellationToken cancellationToken) =>
        WebForms.ActAsync(http, web, WebRoutes.Profile(username),
            async viewer => await follows.FollowAsync(viewer, await IdOfAsync(db, accounts, username, cancellationToken), null, null, cancellationToken), cancellationToken);

    private static Task<IResult> Unfollow(string username, HttpContext http, WebContext web, Db db, AccountViews accounts, Follows follows, CancellationToken cancellationToken) =>
        WebForms.ActAsync(http, web, WebRoutes.Profile(username),
            async viewer => await follows.UnfollowAsync(viewer, await IdOfAsync(db, accounts, username, cancellationToken), cancellationToken), cancellationToken);

    private static async Task<long> IdOfAsync(Db db, AccountViews accounts, string username, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return long.Parse((await FindAsync(connection, accounts, username, cancellationToken)).Id, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The account with this username (any case), or a 404.</summary>
    public static async Task<Account> FindAsync(DbConnection connection, AccountViews accounts, string username, CancellationToken cancellationToken)
    {
        var id = await connection.FindAccountIdAsync(username, cancellationToken) ?? throw ApiException.NotFound();
        return await accounts.LoadAsync(connection, id, cancellationToken) ?? throw ApiException.NotFound();
    }
}
