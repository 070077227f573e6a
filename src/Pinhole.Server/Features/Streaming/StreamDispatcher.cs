using Dapper;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Streaming;

/// <summary>
/// This node's delivery loop: wakes on a signal (or every poll interval), reads the events after the newest one it
/// delivered (a cursor, so a loop that falls behind delivers late, never skips), and hands each to the subscriptions
/// that may see it. Ids are taken before commit, so a transaction can commit an id lower than one already read; the
/// loop therefore also looks a short window behind the cursor for such late commits, skipping what it delivered. It
/// also deletes events older than the catch-up window.
/// </summary>
public sealed partial class StreamDispatcher(Db db, StreamHub hub, StreamAudience audience, IStreamSignal signal, TimeProvider time,
    IOptions<PinholeOptions> options, ILogger<StreamDispatcher> logger) : BackgroundService
{
    /// <summary>How far behind the newest event the loop looks again for late commits.</summary>
    private static readonly TimeSpan Straggle = TimeSpan.FromSeconds(3);

    private readonly HashSet<long> _delivered = [];

    private StreamingSettings Settings => options.Value.Streaming;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Only what happens from now on is live; earlier events reach a client through its catch-up.
        var cursor = Snowflake.LowestIdAt(time.GetUtcNow());
        var nextPrune = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromMilliseconds(Settings.PollMilliseconds), stoppingToken);
                cursor = await DeliverNewAsync(cursor, stoppingToken);
                var now = time.GetUtcNow();
                if (now >= nextPrune)
                {
                    await PruneAsync(now, stoppingToken);
                    nextPrune = now + TimeSpan.FromMinutes(1);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogDispatchFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Delivers everything after <paramref name="cursor"/> (in batches) and any late commit just behind it; returns the new cursor.</summary>
    private async Task<long> DeliverNewAsync(long cursor, CancellationToken cancellationToken)
    {
        const int Batch = 1000;
        await using var connection = await db.OpenAsync(cancellationToken);
        var lateFrom = Math.Min(cursor, Snowflake.LowestIdAt(time.GetUtcNow() - Straggle));
        _delivered.RemoveWhere(id => id <= lateFrom);
        var late = (await connection.QueryAsync<StreamEventRow>(connection.Command(
            $"SELECT {StreamEventRow.Columns} FROM stream_events WHERE id > @lateFrom AND id <= @cursor ORDER BY id",
            new { lateFrom, cursor }, cancellationToken: cancellationToken))).Where(r => !_delivered.Contains(r.Id)).ToList();
        await DeliverAsync(connection, late, cancellationToken);
        while (true)
        {
            var rows = (await connection.QueryAsync<StreamEventRow>(connection.Command(
                $"SELECT {StreamEventRow.Columns} FROM stream_events WHERE id > @cursor ORDER BY id LIMIT {Batch}",
                new { cursor }, cancellationToken: cancellationToken))).ToList();
            if (rows.Count == 0)
                return cursor;
            await DeliverAsync(connection, rows, cancellationToken);
            cursor = rows[^1].Id;
            if (rows.Count < Batch)
                return cursor;
        }
    }

    private async Task DeliverAsync(System.Data.Common.DbConnection connection, List<StreamEventRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
            return;
        var subscriptions = hub.All.ToList();
        foreach (var row in rows)
        {
            await audience.DeliverAsync(connection, row, subscriptions, cancellationToken);
            _delivered.Add(row.Id);
        }
    }

    private async Task PruneAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            "DELETE FROM stream_events WHERE created_at < @cutoff",
            new { cutoff = (now - TimeSpan.FromSeconds(Settings.CatchUpSeconds)).ToUnixTimeMilliseconds() }, transaction, cancellationToken)),
            cancellationToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "Delivering stream events failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception);
}
