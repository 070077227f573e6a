using Dapper;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// Deletes uploads never attached to a post (or left behind when their post was deleted) once they are
/// <c>Pinhole:Media:OrphanHours</c> old: their files, their private source, their row. Media a held post or a
/// submission awaiting review waits for, or that a worker is processing, is left alone.
/// </summary>
public sealed partial class MediaJanitor(Db db, IMediaStore store, MediaProcessing processing, TimeProvider time, IOptions<PinholeOptions> options, ILogger<MediaJanitor> logger)
    : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.Media.JanitorSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await SweepAsync(stoppingToken) == Batch)
                {
                    // A full batch: there may be more.
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e);
            }
            await Task.Delay(interval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Deletes up to one batch of orphans; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = now - TimeSpan.FromHours(options.Value.Media.OrphanHours);
        List<MediaRow> orphans;
        await using (var connection = await db.OpenAsync(cancellationToken))
        {
            orphans = (await connection.QueryAsync<MediaRow>(connection.Command(
                $"""
                SELECT {MediaRow.Columns} FROM media_attachments m
                WHERE m.status_id IS NULL AND m.created_at < @cutoff
                  AND NOT EXISTS (SELECT 1 FROM pending_status_media pm WHERE pm.media_id = m.id)
                  AND NOT EXISTS (SELECT 1 FROM organization_submission_media sm WHERE sm.media_id = m.id)
                  AND NOT EXISTS (SELECT 1 FROM media_jobs j WHERE j.media_id = m.id AND j.locked_until > @now)
                ORDER BY m.created_at LIMIT @batch
                """,
                new { cutoff = cutoff.ToUnixTimeMilliseconds(), now = now.ToUnixTimeMilliseconds(), batch = Batch }, cancellationToken: cancellationToken))).ToList();
        }
        foreach (var orphan in orphans)
        {
            // The row goes first: a file without a row is only garbage, a row without its files would be served broken.
            var deleted = await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
                "DELETE FROM media_attachments WHERE id = @id AND status_id IS NULL", new { id = orphan.Id }, transaction, cancellationToken)), cancellationToken);
            if (deleted == 0)
                continue;
            await processing.DeleteFilesAsync(MediaProcessing.Keys(orphan), cancellationToken);
            if (orphan.SourceKey is not null)
                await store.DeleteSourceAsync(orphan.SourceKey, cancellationToken);
        }
        if (orphans.Count > 0)
            LogSwept(logger, orphans.Count);
        return orphans.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} uploads never posted")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweeping unposted uploads failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
