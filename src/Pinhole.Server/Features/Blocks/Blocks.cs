using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Lists;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Blocks;

/// <summary>
/// Blocking and muting. A block cuts both ways at once: it removes the follows and follow requests between the
/// two accounts (and their counts), and from then on the blocked account cannot see, follow or reach the blocker.
/// A mute only hides, optionally for a while and optionally with the notifications.
/// </summary>
public sealed class Blocks(Db db, Snowflake ids, TimeProvider time)
{
    public Task BlockAsync(long blocker, long target, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            if (blocker == target)
                throw ApiException.Unprocessable("Validation failed: You cannot block yourself");
            await connection.EnsureAccountExistsAsync(target, cancellationToken, transaction);
            await connection.ExecuteAsync(connection.Command(
                """
                INSERT INTO blocks (id, account_id, target_account_id, created_at) VALUES (@id, @blocker, @target, @now) ON CONFLICT DO NOTHING;
                UPDATE accounts SET following_count = following_count - 1
                    WHERE id = @blocker AND EXISTS (SELECT 1 FROM follows WHERE account_id = @blocker AND target_account_id = @target);
                UPDATE accounts SET followers_count = followers_count - 1
                    WHERE id = @target AND EXISTS (SELECT 1 FROM follows WHERE account_id = @blocker AND target_account_id = @target);
                UPDATE accounts SET following_count = following_count - 1
                    WHERE id = @target AND EXISTS (SELECT 1 FROM follows WHERE account_id = @target AND target_account_id = @blocker);
                UPDATE accounts SET followers_count = followers_count - 1
                    WHERE id = @blocker AND EXISTS (SELECT 1 FROM follows WHERE account_id = @target AND target_account_id = @blocker);
                DELETE FROM follows WHERE (account_id = @blocker AND target_account_id = @target) OR (account_id = @target AND target_account_id = @blocker);
                DELETE FROM follow_requests WHERE (account_id = @blocker AND target_account_id = @target) OR (account_id = @target AND target_account_id = @blocker);
                """,
                new { id = ids.NextId(), blocker, target, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken));
            await ListMemberships.RemoveAsync(connection, transaction, blocker, target, cancellationToken);
            await ListMemberships.RemoveAsync(connection, transaction, target, blocker, cancellationToken);
        }, cancellationToken);

    public Task UnblockAsync(long blocker, long target, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await connection.EnsureAccountExistsAsync(target, cancellationToken, transaction);
            await connection.ExecuteAsync(connection.Command(
                "DELETE FROM blocks WHERE account_id = @blocker AND target_account_id = @target", new { blocker, target }, transaction, cancellationToken));
        }, cancellationToken);

    /// <param name="duration">How long the mute lasts; null or zero: until undone.</param>
    public Task MuteAsync(long muter, long target, bool hideNotifications, TimeSpan? duration, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            if (muter == target)
                throw ApiException.Unprocessable("Validation failed: You cannot mute yourself");
            await connection.EnsureAccountExistsAsync(target, cancellationToken, transaction);
            var now = time.GetUtcNow();
            await connection.ExecuteAsync(connection.Command(
                """
                INSERT INTO mutes (id, account_id, target_account_id, hide_notifications, expires_at, created_at)
                VALUES (@id, @muter, @target, @hideNotifications, @expires, @created)
                ON CONFLICT (account_id, target_account_id) DO UPDATE SET hide_notifications = @hideNotifications, expires_at = @expires
                """,
                new
                {
                    id = ids.NextId(), muter, target, hideNotifications,
                    expires = duration is { } d && d > TimeSpan.Zero ? (now + d).ToUnixTimeMilliseconds() : (long?)null,
                    created = now.ToUnixTimeMilliseconds(),
                },
                transaction, cancellationToken));
        }, cancellationToken);

    public Task UnmuteAsync(long muter, long target, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await connection.EnsureAccountExistsAsync(target, cancellationToken, transaction);
            await connection.ExecuteAsync(connection.Command(
                "DELETE FROM mutes WHERE account_id = @muter AND target_account_id = @target", new { muter, target }, transaction, cancellationToken));
        }, cancellationToken);
}
