using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Follows;

/// <summary>Following and unfollowing; both counters move in the same transaction as the follow row.</summary>
public sealed class Follows(Db db, Snowflake ids, TimeProvider time)
{
    public Task FollowAsync(long follower, long target, bool? showReblogs, bool? notify, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            if (follower == target)
                throw ApiException.Forbidden("You cannot follow yourself");
            await connection.EnsureAccountExistsAsync(target, cancellationToken, transaction);
            var inserted = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                """
                INSERT INTO follows (id, account_id, target_account_id, show_reblogs, notify, created_at)
                VALUES (@id, @follower, @target, @showReblogs, @notify, @now)
                ON CONFLICT (account_id, target_account_id) DO NOTHING RETURNING id
                """,
                new { id = ids.NextId(), follower, target, showReblogs = showReblogs ?? true, notify = notify ?? false, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
                transaction, cancellationToken: cancellationToken));
            if (inserted is not null)
            {
                await connection.ExecuteAsync(connection.Command(
                    """
                    UPDATE accounts SET following_count = following_count + 1 WHERE id = @follower;
                    UPDATE accounts SET followers_count = followers_count + 1 WHERE id = @target;
                    """,
                    new { follower, target }, transaction, cancellationToken: cancellationToken));
            }
            else
            {
                // Following again changes the options, as on Mastodon.
                await connection.ExecuteAsync(connection.Command(
                    """
                    UPDATE follows SET show_reblogs = COALESCE(@showReblogs, show_reblogs), notify = COALESCE(@notify, notify)
                    WHERE account_id = @follower AND target_account_id = @target
                    """,
                    new { follower, target, showReblogs, notify }, transaction, cancellationToken: cancellationToken));
            }
        }, cancellationToken);

    public Task UnfollowAsync(long follower, long target, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await connection.EnsureAccountExistsAsync(target, cancellationToken, transaction);
            var deleted = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                "DELETE FROM follows WHERE account_id = @follower AND target_account_id = @target RETURNING id",
                new { follower, target }, transaction, cancellationToken: cancellationToken));
            if (deleted is not null)
            {
                await connection.ExecuteAsync(connection.Command(
                    """
                    UPDATE accounts SET following_count = following_count - 1 WHERE id = @follower;
                    UPDATE accounts SET followers_count = followers_count - 1 WHERE id = @target;
                    """,
                    new { follower, target }, transaction, cancellationToken: cancellationToken));
            }
        }, cancellationToken);
}
