using System.Data.Common;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Lists;
using Pinhole.Server.Features.Notifications;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Follows;

/// <summary>
/// Following, unfollowing and follow requests. Following a locked account asks first; its owner authorizes or
/// rejects. Every follow moves both counters in the same transaction as the follow row, and tells the followed.
/// </summary>
public sealed class Follows(Db db, Snowflake ids, TimeProvider time, Notifier notifier)
{
    private sealed class Target
    {
        public bool Locked { get; init; }
        public bool Blocked { get; init; }
    }

    /// <summary>Follows, or asks to when the target's account is locked; following again changes the options.</summary>
    public Task FollowAsync(long follower, long target, bool? showReblogs, bool? notify, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            if (follower == target)
                throw ApiException.Forbidden("You cannot follow yourself");
            var account = await connection.QuerySingleOrDefaultAsync<Target>(connection.Command(
                """
                SELECT a.locked, EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = a.id AND b.target_account_id = @follower)
                                                                 OR (b.account_id = @follower AND b.target_account_id = a.id)) AS blocked
                FROM accounts a WHERE a.id = @target
                """, new { follower, target }, transaction, cancellationToken)) ?? throw ApiException.NotFound();
            if (account.Blocked)
                throw ApiException.Forbidden("This action is not allowed");

            var updated = await connection.ExecuteAsync(connection.Command(
                """
                UPDATE follows SET show_reblogs = COALESCE(@showReblogs, show_reblogs), notify = COALESCE(@notify, notify)
                WHERE account_id = @follower AND target_account_id = @target
                """, new { follower, target, showReblogs, notify }, transaction, cancellationToken));
            if (updated > 0)
                return;
            if (account.Locked)
            {
                var requested = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                    """
                    INSERT INTO follow_requests (id, account_id, target_account_id, show_reblogs, notify, created_at)
                    VALUES (@id, @follower, @target, @showReblogs, @notify, @now)
                    ON CONFLICT (account_id, target_account_id) DO UPDATE SET show_reblogs = @showReblogs, notify = @notify
                    RETURNING id
                    """,
                    new { id = ids.NextId(), follower, target, showReblogs = showReblogs ?? true, notify = notify ?? false, now = Now() },
                    transaction, cancellationToken));
                if (requested is not null)
                    await notifier.NotifyAsync(connection, transaction, target, follower, NotificationTypes.FollowRequest, null, cancellationToken);
                return;
            }
            await AddFollowAsync(connection, transaction, follower, target, showReblogs ?? true, notify ?? false, cancellationToken);
        }, cancellationToken);

    /// <summary>Stops following, and withdraws a pending request.</summary>
    public Task UnfollowAsync(long follower, long target, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await connection.EnsureAccountExistsAsync(target, cancellationToken, transaction);
            await connection.ExecuteAsync(connection.Command(
                "DELETE FROM follow_requests WHERE account_id = @follower AND target_account_id = @target", new { follower, target }, transaction, cancellationToken));
            var deleted = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                "DELETE FROM follows WHERE account_id = @follower AND target_account_id = @target RETURNING id",
                new { follower, target }, transaction, cancellationToken));
            await ListMemberships.RemoveAsync(connection, transaction, follower, target, cancellationToken);
            if (deleted is not null)
            {
                await connection.ExecuteAsync(connection.Command(
                    """
                    UPDATE accounts SET following_count = following_count - 1 WHERE id = @follower;
                    UPDATE accounts SET followers_count = followers_count - 1 WHERE id = @target;
                    """,
                    new { follower, target }, transaction, cancellationToken));
            }
        }, cancellationToken);

    /// <summary>The owner of a locked account lets <paramref name="requester"/> follow them.</summary>
    public Task AuthorizeAsync(long owner, long requester, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var request = await TakeRequestAsync(connection, transaction, owner, requester, cancellationToken) ?? throw ApiException.NotFound();
            await AddFollowAsync(connection, transaction, requester, owner, request.ShowReblogs, request.Notify, cancellationToken, notifyOwner: false);
        }, cancellationToken);

    public Task RejectAsync(long owner, long requester, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            if (await TakeRequestAsync(connection, transaction, owner, requester, cancellationToken) is null)
                throw ApiException.NotFound();
        }, cancellationToken);

    /// <summary>When a locked account opens up, everyone who asked becomes a follower, as on Mastodon.</summary>
    internal async Task AcceptAllAsync(DbConnection connection, DbTransaction transaction, long owner, CancellationToken cancellationToken)
    {
        var requesters = await connection.QueryAsync<long>(connection.Command(
            "SELECT account_id FROM follow_requests WHERE target_account_id = @owner", new { owner }, transaction, cancellationToken));
        foreach (var requester in requesters)
        {
            var (showReblogs, notify) = (await TakeRequestAsync(connection, transaction, owner, requester, cancellationToken))!.Value;
            await AddFollowAsync(connection, transaction, requester, owner, showReblogs, notify, cancellationToken, notifyOwner: false);
        }
    }

    private sealed class RequestRow
    {
        public bool ShowReblogs { get; init; }
        public bool Notify { get; init; }
    }

    private static async Task<(bool ShowReblogs, bool Notify)?> TakeRequestAsync(DbConnection connection, DbTransaction transaction, long owner, long requester, CancellationToken cancellationToken)
    {
        var request = await connection.QuerySingleOrDefaultAsync<RequestRow>(connection.Command(
            "DELETE FROM follow_requests WHERE account_id = @requester AND target_account_id = @owner RETURNING show_reblogs, notify",
            new { owner, requester }, transaction, cancellationToken));
        return request is null ? null : (request.ShowReblogs, request.Notify);
    }

    private async Task AddFollowAsync(DbConnection connection, DbTransaction transaction, long follower, long target, bool showReblogs, bool notify,
        CancellationToken cancellationToken, bool notifyOwner = true)
    {
        var inserted = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
            """
            INSERT INTO follows (id, account_id, target_account_id, show_reblogs, notify, created_at)
            VALUES (@id, @follower, @target, @showReblogs, @notify, @now)
            ON CONFLICT (account_id, target_account_id) DO NOTHING RETURNING id
            """,
            new { id = ids.NextId(), follower, target, showReblogs, notify, now = Now() }, transaction, cancellationToken));
        if (inserted is null)
            return;
        await connection.ExecuteAsync(connection.Command(
            """
            UPDATE accounts SET following_count = following_count + 1 WHERE id = @follower;
            UPDATE accounts SET followers_count = followers_count + 1 WHERE id = @target;
            """,
            new { follower, target }, transaction, cancellationToken));
        if (notifyOwner)
            await notifier.NotifyAsync(connection, transaction, target, follower, NotificationTypes.Follow, null, cancellationToken);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
