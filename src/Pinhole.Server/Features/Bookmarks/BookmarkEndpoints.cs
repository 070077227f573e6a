using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Features.Timelines;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Bookmarks;

/// <summary>Bookmarks: a private list of posts to come back to, newest bookmark first.</summary>
public static class BookmarkEndpoints
{
    public static RouteGroupBuilder MapBookmarks(this RouteGroupBuilder api)
    {
        api.MapPost("/v1/statuses/{id:long}/bookmark", Bookmark).RequireScope(Scopes.WriteBookmarks);
        api.MapPost("/v1/statuses/{id:long}/unbookmark", Unbookmark).RequireScope(Scopes.WriteBookmarks);
        api.MapGet("/v1/bookmarks", List).RequireScope(Scopes.ReadBookmarks);
        return api;
    }

    private static async Task<Ok<Status>> Bookmark(long id, Caller caller, Db db, Snowflake ids, TimeProvider time, StatusViews views, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (connection, transaction) =>
        {
            await StatusEndpoints.EnsureVisibleAsync(connection, caller.Account, id, cancellationToken, transaction);
            await connection.ExecuteAsync(connection.Command(
                "INSERT INTO bookmarks (id, account_id, status_id, created_at) VALUES (@bookmark, @viewer, @id, @now) ON CONFLICT (account_id, status_id) DO NOTHING",
                new { bookmark = ids.NextId(), viewer = caller.Account, id, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken));
        }, cancellationToken);
        return TypedResults.Ok(await StatusEndpoints.RenderVisibleAsync(db, views, caller, id, cancellationToken));
    }

    private static async Task<Ok<Status>> Unbookmark(long id, Caller caller, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (connection, transaction) =>
        {
            await StatusEndpoints.EnsureVisibleAsync(connection, caller.Account, id, cancellationToken, transaction);
            await connection.ExecuteAsync(connection.Command(
                "DELETE FROM bookmarks WHERE account_id = @viewer AND status_id = @id", new { viewer = caller.Account, id }, transaction, cancellationToken));
        }, cancellationToken);
        return TypedResults.Ok(await StatusEndpoints.RenderVisibleAsync(db, views, caller, id, cancellationToken));
    }

    private static async Task<Ok<IReadOnlyList<Status>>> List(HttpContext http, Caller caller, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await Timeline.ReadAsync(http, connection, views, caller.Account,
            $"""
            SELECT b.id AS cursor, b.status_id FROM bookmarks b JOIN statuses s ON s.id = b.status_id
            WHERE b.account_id = @viewer AND {VisibleTo.Viewer("s")}
            """, "b.id", new { }, cancellationToken));
    }
}
