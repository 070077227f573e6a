using System.Data.Common;
using Dapper;
using Pinhole.Data;

using Pinhole.Server.Features.Streaming;

namespace Pinhole.Server.Features.Notifications;

/// <summary>The kinds of notification Pinhole sends, with Mastodon's names.</summary>
public static class NotificationTypes
{
    public const string Follow = "follow";
    public const string FollowRequest = "follow_request";
    public const string Favourite = "favourite";
    public const string Reblog = "reblog";
    public const string Mention = "mention";
    public const string Status = "status";

    public static readonly IReadOnlyList<string> All = [Follow, FollowRequest, Favourite, Reblog, Mention, Status];

    /// <summary>
    /// Pinhole's own kinds (an organisation's invitation, a rejected submission) start with this. Mastodon apps do
    /// not know them, so they are listed only to clients that ask for them by <c>types[]</c>, and not streamed.
    /// </summary>
    public const string PinholePrefix = "pinhole.";

    public static bool IsPinhole(string type) => type.StartsWith(PinholePrefix, StringComparison.Ordinal);
}

/// <summary>
/// Writes notifications inside the transaction of what caused them, so a like and its notification exist together
/// or not at all. One notification per (recipient, type, actor, post): liking, unliking and liking again does
/// not notify twice. Nobody is notified of their own actions, or by someone they block.
/// </summary>
public sealed class Notifier(Snowflake ids, TimeProvider time, StreamEvents events)
{
    public async Task NotifyAsync(DbConnection connection, DbTransaction transaction, long recipient, long from, string type, long? statusId, CancellationToken cancellationToken,
        long? submissionId = null)
    {
        if (recipient == from)
            return;
        var id = ids.NextId();
        var written = await connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO notifications (id, account_id, from_account_id, type, status_id, submission_id, created_at)
            SELECT @id, @recipient, @from, @type, @statusId, @submissionId, @now
            WHERE NOT EXISTS (SELECT 1 FROM blocks WHERE account_id = @recipient AND target_account_id = @from)
            ON CONFLICT DO NOTHING
            """,
            new { id, recipient, from, type, statusId, submissionId, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            transaction, cancellationToken));
        if (written == 1 && !NotificationTypes.IsPinhole(type))
            await events.AddAsync(connection, transaction, StreamEventKinds.Notification, recipient, statusId, id, cancellationToken);
    }
}
