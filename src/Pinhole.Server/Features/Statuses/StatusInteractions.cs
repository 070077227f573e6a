using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Notifications;
using Pinhole.Server.MastodonApi;

using Pinhole.Server.Features.Streaming;

namespace Pinhole.Server.Features.Statuses;

/// <summary>
/// Favourites and reblogs. Each is idempotent (a second favourite changes nothing) and moves its counter in
/// the same transaction as the row it counts, so concurrent likes never lose or double a count.
/// </summary>
public sealed class StatusInteractions(Db db, Snowflake ids, TimeProvider time, Notifier notifier, StreamEvents events)
{
    public Task FavouriteAsync(long viewer, long statusId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var (target, author) = await ResolveAsync(connection, transaction, viewer, statusId, cancellationToken);
            var inserted = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                "INSERT INTO favourites (id, account_id, status_id, created_at) VALUES (@id, @viewer, @target, @now) ON CONFLICT (account_id, status_id) DO NOTHING RETURNING id",
                new { id = ids.NextId(), viewer, target, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
            if (inserted is not null)
            {
                await connection.ExecuteAsync(connection.Command(
                    "UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = @target", new { target }, transaction, cancellationToken: cancellationToken));
                await notifier.NotifyAsync(connection, transaction, author, viewer, NotificationTypes.Favourite, target, cancellationToken);
            }
        }, cancellationToken);

    public Task UnfavouriteAsync(long viewer, long statusId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var (target, _) = await ResolveAsync(connection, transaction, viewer, statusId, cancellationToken);
            var deleted = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                "DELETE FROM favourites WHERE account_id = @viewer AND status_id = @target RETURNING id",
                new { viewer, target }, transaction, cancellationToken: cancellationToken));
            if (deleted is not null)
            {
                await connection.ExecuteAsync(connection.Command(
                    "UPDATE statuses SET favourites_count = favourites_count - 1 WHERE id = @target", new { target }, transaction, cancellationToken: cancellationToken));
            }
        }, cancellationToken);

    /// <summary>Reblogs a post (only public and unlisted ones can be); returns the id of the reblog, the existing one if any.</summary>
    public Task<long> ReblogAsync(long viewer, long statusId, Visibility visibility, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var (target, author) = await ResolveAsync(connection, transaction, viewer, statusId, cancellationToken);
            var original = await connection.QuerySingleAsync<StatusRow>(connection.Command(
                $"SELECT {StatusRow.Columns} FROM statuses s WHERE s.id = @target", new { target }, transaction, cancellationToken: cancellationToken));
            if (original.Visibility > Visibility.Unlisted)
                throw ApiException.Forbidden("Followers-only and direct posts cannot be reblogged");
            if (await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                "SELECT id FROM statuses WHERE account_id = @viewer AND reblog_of_id = @target", new { viewer, target }, transaction, cancellationToken: cancellationToken)) is { } existing)
                return existing;

            var id = ids.NextId();
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            await connection.ExecuteAsync(connection.Command(
                """
                INSERT INTO statuses (id, account_id, reblog_of_id, visibility, created_at) VALUES (@id, @viewer, @target, @visibility, @now);
                UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = @target;
                UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = @now WHERE id = @viewer;
                """,
                new { id, viewer, target, visibility = (int)visibility, now }, transaction, cancellationToken: cancellationToken));
            await notifier.NotifyAsync(connection, transaction, author, viewer, NotificationTypes.Reblog, target, cancellationToken);
            await events.AddAsync(connection, transaction, StreamEventKinds.Update, viewer, id, null, cancellationToken);
            return id;
        }, cancellationToken);

    /// <summary>Undoes the viewer's reblog, if any; returns the id of the original post.</summary>
    public Task<long> UnreblogAsync(long viewer, long statusId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var (target, _) = await ResolveAsync(connection, transaction, viewer, statusId, cancellationToken);
            var reblog = await connection.QuerySingleOrDefaultAsync<StatusRow>(connection.Command(
                $"SELECT {StatusRow.Columns} FROM statuses s WHERE s.account_id = @viewer AND s.reblog_of_id = @target",
                new { viewer, target }, transaction, cancellationToken: cancellationToken));
            if (reblog is not null)
                await StatusPosting.DeleteRowAsync(connection, transaction, events, reblog, cancellationToken);
            return target;
        }, cancellationToken);

    private sealed class Resolved
    {
        public long Id { get; init; }
        public long AccountId { get; init; }
    }

    // Acting on a reblog acts on the post it carries; a post the viewer cannot see does not exist for them.
    private static async Task<(long Id, long Author)> ResolveAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, long viewer, long statusId, CancellationToken cancellationToken)
    {
        var resolved = await connection.QuerySingleOrDefaultAsync<Resolved>(connection.Command(
            $"""
            SELECT o.id, o.account_id FROM statuses s JOIN statuses o ON o.id = COALESCE(s.reblog_of_id, s.id)
            WHERE s.id = @statusId AND {VisibleTo.Viewer("s")} AND {VisibleTo.Viewer("o")}
            """,
            new { statusId, viewer }, transaction, cancellationToken: cancellationToken)) ?? throw ApiException.NotFound();
        return (resolved.Id, resolved.AccountId);
    }
}
