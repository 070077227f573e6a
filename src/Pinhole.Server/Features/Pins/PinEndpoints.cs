using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Pins;

/// <summary>Pins: up to five of your own posts kept at the top of your profile.</summary>
public static class PinEndpoints
{
    public const int MaxPinned = 5;

    public static RouteGroupBuilder MapPins(this RouteGroupBuilder api)
    {
        api.MapPost("/v1/statuses/{id:long}/pin", Pin).RequireScope(Scopes.WriteAccounts);
        api.MapPost("/v1/statuses/{id:long}/unpin", Unpin).RequireScope(Scopes.WriteAccounts);
        return api;
    }

    private sealed class Pinnable
    {
        public long AccountId { get; init; }
        public long? ReblogOfId { get; init; }
        public Visibility Visibility { get; init; }
        public long Pinned { get; init; }
    }

    private static async Task<Ok<Status>> Pin(long id, Caller caller, Db db, TimeProvider time, StatusViews views, CancellationToken cancellationToken)
    {
        var viewer = caller.Account;
        await db.WriteAsync(async (connection, transaction) =>
        {
            var post = await connection.QuerySingleOrDefaultAsync<Pinnable>(connection.Command(
                $"""
                SELECT s.account_id, s.reblog_of_id, s.visibility, (SELECT COUNT(*) FROM pins p WHERE p.account_id = @viewer) AS pinned
                FROM statuses s WHERE s.id = @id AND {VisibleTo.Viewer("s")}
                """, new { id, viewer }, transaction, cancellationToken)) ?? throw ApiException.NotFound();
            if (post.AccountId != viewer)
                throw ApiException.Unprocessable("Validation failed: You can only pin your own posts");
            if (post.ReblogOfId is not null)
                throw ApiException.Unprocessable("Validation failed: A reblog cannot be pinned");
            if (post.Visibility == Visibility.Direct)
                throw ApiException.Unprocessable("Validation failed: A direct post cannot be pinned");
            var inserted = await connection.ExecuteAsync(connection.Command(
                "INSERT INTO pins (account_id, status_id, created_at) VALUES (@viewer, @id, @now) ON CONFLICT DO NOTHING",
                new { viewer, id, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken));
            if (inserted > 0 && post.Pinned >= MaxPinned)
                throw ApiException.Unprocessable($"Validation failed: You can pin at most {MaxPinned} posts");
        }, cancellationToken);
        return TypedResults.Ok(await StatusEndpoints.RenderVisibleAsync(db, views, caller, id, cancellationToken));
    }

    private static async Task<Ok<Status>> Unpin(long id, Caller caller, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (connection, transaction) =>
        {
            await StatusEndpoints.EnsureVisibleAsync(connection, caller.Account, id, cancellationToken, transaction);
            await connection.ExecuteAsync(connection.Command(
                "DELETE FROM pins WHERE account_id = @viewer AND status_id = @id", new { viewer = caller.Account, id }, transaction, cancellationToken));
        }, cancellationToken);
        return TypedResults.Ok(await StatusEndpoints.RenderVisibleAsync(db, views, caller, id, cancellationToken));
    }
}
