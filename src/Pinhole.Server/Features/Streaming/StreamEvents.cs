using System.Data.Common;
using Dapper;
using Pinhole.Data;

namespace Pinhole.Server.Features.Streaming;

public static class StreamEventKinds
{
    public const string Update = "update";
    public const string StatusUpdate = "status.update";
    public const string Delete = "delete";
    public const string Notification = "notification";
    public const string FiltersChanged = "filters_changed";
    public const string Conversation = "conversation";
}

/// <summary>A <c>stream_events</c> row.</summary>
public sealed class StreamEventRow
{
    public const string Columns = "id, kind, status_id, notification_id, account_id, created_at";

    public long Id { get; init; }
    public string Kind { get; init; } = "";
    public long? StatusId { get; init; }
    public long? NotificationId { get; init; }

    /// <summary>The author (update, status.update, delete), the recipient (notification) or the owner (filters_changed, conversation).</summary>
    public long AccountId { get; init; }
    public long CreatedAt { get; init; }
}

/// <summary>
/// Records live events in the transaction of what caused them (an outbox): an event exists exactly when its cause
/// committed, and publishing costs the poster one row, never a step per follower. Delivery happens in the
/// <see cref="StreamDispatcher"/>, off the request path.
/// </summary>
public sealed class StreamEvents(Snowflake ids, TimeProvider time, IStreamSignal signal)
{
    public async Task AddAsync(DbConnection connection, DbTransaction transaction, string kind, long accountId, long? statusId, long? notificationId,
        CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(connection.Command(
            "INSERT INTO stream_events (id, kind, status_id, notification_id, account_id, created_at) VALUES (@id, @kind, @statusId, @notificationId, @accountId, @now)",
            new { id = ids.NextId(), kind, statusId, notificationId, accountId, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            transaction, cancellationToken));
        await signal.RaiseAsync(connection, transaction, cancellationToken);
    }
}
