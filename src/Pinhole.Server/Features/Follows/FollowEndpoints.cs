using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Follows;

public static class FollowEndpoints
{
    public static IServiceCollection AddFollows(this IServiceCollection services) => services.AddSingleton<Follows>();

    public static RouteGroupBuilder MapFollows(this RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/v1/accounts");
        accounts.MapPost("/{id:long}/follow", Follow).RequireScope(Scopes.WriteFollows);
        accounts.MapPost("/{id:long}/unfollow", Unfollow).RequireScope(Scopes.WriteFollows);
        accounts.MapGet("/{id:long}/followers", Followers).AllowAnonymous(Scopes.ReadAccounts);
        accounts.MapGet("/{id:long}/following", Following).AllowAnonymous(Scopes.ReadAccounts);
        accounts.MapGet("/relationships", GetRelationships).RequireScope(Scopes.ReadFollows);

        var requests = api.MapGroup("/v1/follow_requests");
        requests.MapGet("/", Requests).RequireScope(Scopes.ReadFollows);
        requests.MapPost("/{id:long}/authorize", Authorize).RequireScope(Scopes.WriteFollows);
        requests.MapPost("/{id:long}/reject", Reject).RequireScope(Scopes.WriteFollows);
        return api;
    }

    private static async Task<Ok<Relationship>> Follow(long id, HttpContext http, Caller caller, Follows follows, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        await follows.FollowAsync(caller.Account, id, form.Bool("reblogs"), form.Bool("notify"), cancellationToken);
        return await RelationshipAsync(db, time, caller.Account, id, cancellationToken);
    }

    private static async Task<Ok<Relationship>> Unfollow(long id, Caller caller, Follows follows, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        await follows.UnfollowAsync(caller.Account, id, cancellationToken);
        return await RelationshipAsync(db, time, caller.Account, id, cancellationToken);
    }

    private static async Task<Ok<IReadOnlyList<Account>>> Requests(HttpContext http, Caller caller, Db db, AccountViews accounts, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await AccountPage.ReadAsync(http, connection, accounts,
            "SELECT r.id AS cursor, r.account_id FROM follow_requests r WHERE r.target_account_id = @viewer", "r.id",
            new { viewer = caller.Account }, cancellationToken));
    }

    private static async Task<Ok<Relationship>> Authorize(long id, Caller caller, Follows follows, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        await follows.AuthorizeAsync(caller.Account, id, cancellationToken);
        return await RelationshipAsync(db, time, caller.Account, id, cancellationToken);
    }

    private static async Task<Ok<Relationship>> Reject(long id, Caller caller, Follows follows, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        await follows.RejectAsync(caller.Account, id, cancellationToken);
        return await RelationshipAsync(db, time, caller.Account, id, cancellationToken);
    }

    internal static Task<Ok<IReadOnlyList<Account>>> Followers(long id, HttpContext http, Db db, AccountViews accounts, CancellationToken cancellationToken) =>
        ListAsync(http, db, accounts, id, "SELECT f.id AS cursor, f.account_id FROM follows f WHERE f.target_account_id = @id", cancellationToken);

    internal static Task<Ok<IReadOnlyList<Account>>> Following(long id, HttpContext http, Db db, AccountViews accounts, CancellationToken cancellationToken) =>
        ListAsync(http, db, accounts, id, "SELECT f.id AS cursor, f.target_account_id AS account_id FROM follows f WHERE f.account_id = @id", cancellationToken);

    private static async Task<Ok<IReadOnlyList<Relationship>>> GetRelationships(HttpContext http, Caller caller, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        var ids = RequestParams.FromQuery(http.Request.Query).List("id")
            .Select(v => long.TryParse(v, out var id) ? id : 0).Where(id => id > 0).Distinct().Take(100).ToList();
        await using var connection = await db.OpenAsync(cancellationToken);
        var existing = ids.Count == 0 ? [] : (await connection.QueryAsync<long>(connection.Command(
            "SELECT id FROM accounts WHERE id IN @ids", new { ids }, cancellationToken: cancellationToken))).ToHashSet();
        return TypedResults.Ok(await Relationships.LoadAsync(connection, caller.Account, ids.Where(existing.Contains).ToList(), time.GetUtcNow(), cancellationToken));
    }

    private static async Task<Ok<IReadOnlyList<Account>>> ListAsync(HttpContext http, Db db, AccountViews accounts, long id, string select, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.EnsureAccountExistsAsync(id, cancellationToken);
        return TypedResults.Ok(await AccountPage.ReadAsync(http, connection, accounts, select, "f.id", new { id }, cancellationToken));
    }

    internal static async Task<Ok<Relationship>> RelationshipAsync(Db db, TimeProvider time, long viewer, long target, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok((await Relationships.LoadAsync(connection, viewer, [target], time.GetUtcNow(), cancellationToken))[0]);
    }
}
