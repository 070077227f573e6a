using Dapper;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Streaming;

/// <summary>
/// Pinhole's addition to Mastodon's streaming: a client that reconnects with the id of the last event it saw
/// (SSE's <c>Last-Event-ID</c>, or <c>since_id</c> on a WebSocket subscribe) first gets what it missed, in order and
/// filtered exactly as live events are, bounded by <c>Pinhole:Streaming:CatchUpSeconds</c> and <c>CatchUpMax</c>.
/// </summary>
public sealed class StreamCatchUp(Db db, StreamHub hub, StreamAudience audience, StreamFilters filters, TimeProvider time, IOptions<PinholeOptions> options)
{
    /// <summary>
    /// Registers the subscription, reads its viewer's filters, sends what it missed since <paramref name="lastSeen"/> (if
    /// given), then lets live events through. The filters are read once registered, so a change made meanwhile is not
    /// missed (an event delivered in the moment between is matched without them).
    /// </summary>
    public async Task StartAsync(Subscription subscription, long? lastSeen, CancellationToken cancellationToken)
    {
        hub.Add(subscription);
        if (subscription.Viewer == 0 && lastSeen is null)
        {
            subscription.CatchUp([], 0);
            return;
        }
        await using var connection = await db.OpenAsync(cancellationToken);
        if (subscription.Viewer != 0)
            await filters.RefreshAsync(connection, subscription.Viewer, [subscription], cancellationToken);
        if (lastSeen is not { } since)
        {
            subscription.CatchUp([], 0);
            return;
        }
        var settings = options.Value.Streaming;
        var rows = (await connection.QueryAsync<StreamEventRow>(connection.Command(
            $"SELECT {StreamEventRow.Columns} FROM stream_events WHERE id > @since AND created_at >= @cutoff ORDER BY id LIMIT @max",
            new { since, cutoff = (time.GetUtcNow() - TimeSpan.FromSeconds(settings.CatchUpSeconds)).ToUnixTimeMilliseconds(), max = settings.CatchUpMax },
            cancellationToken: cancellationToken))).ToList();
        var missed = new List<StreamMessage>();
        foreach (var row in rows)
            missed.AddRange((await audience.MessagesAsync(connection, row, [subscription], cancellationToken)).Select(m => m.Message));
        subscription.CatchUp(missed, rows.Count > 0 ? rows[^1].Id : since);
    }

    public void Stop(Subscription subscription) => hub.Remove(subscription);
}
