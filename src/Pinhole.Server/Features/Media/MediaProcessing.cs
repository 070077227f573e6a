using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Media;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// Turns one uploaded source into the files Pinhole serves, then publishes any post that was waiting for it. A
/// file that cannot be processed ends as failed media with the reason a client can show, and its source is
/// deleted; a failure that may pass (the store was unreachable) is retried later, a few times.
/// </summary>
public sealed partial class MediaProcessing(
    Db db, IMediaStore store, MediaJobs jobs, MediaRenderer renderer, PendingStatuses pending, MediaSources sources, MediaSignal signal,
    IOptions<PinholeOptions> options, ILogger<MediaProcessing> logger)
{
    private MediaSettings Settings => options.Value.Media;

    public async Task RunAsync(ClaimedJob job, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<MediaRow>(connection.Command(
            $"SELECT {MediaRow.Columns} FROM media_attachments m WHERE m.id = @id", new { id = job.MediaId }, cancellationToken: cancellationToken));
        if (job.Stage == JobStages.LowRendition && row is not null)
        {
            await MakeLowAsync(row, job, cancellationToken);
            return;
        }
        if (row?.SourceKey is null)
        {
            // Deleted meanwhile, or its source already given up: nothing left to do.
            await db.WriteAsync((c, t) => jobs.CompleteAsync(c, t, job, cancellationToken), cancellationToken);
            return;
        }

        try
        {
            var made = await renderer.MakeAsync(row, cancellationToken);
            var continues = await db.WriteAsync(async (c, t) =>
            {
                await c.ExecuteAsync(c.Command(
                    """
                    UPDATE media_attachments SET state = @ready, failure = NULL, type = @Type, file_key = @FileKey, content_type = @ContentType,
                        preview_key = @PreviewKey, meta = @Meta, blurhash = @Blurhash, renditions = @Renditions
                    WHERE id = @id
                    """,
                    new { ready = MediaStates.Ready, made.Type, made.FileKey, made.ContentType, made.PreviewKey, made.Meta, made.Blurhash, made.Renditions, id = row.Id },
                    t, cancellationToken));
                if (made.LowFollows && await jobs.ContinueAsync(c, t, job, JobStages.LowRendition, cancellationToken))
                    return true;
                await jobs.CompleteAsync(c, t, job, cancellationToken);
                return false;
            }, cancellationToken);
            if (continues)
                signal.Poke();
            await DeleteFilesAsync(Replaced(row, made), cancellationToken);
            await pending.PublishWaitingOnAsync(row.Id, cancellationToken);
            // A media already posted was being made again (a filter changed at the last moment): its source can go now.
            await sources.ReleaseIfPostedAsync(row.Id, cancellationToken);
        }
        catch (MediaRejectedException rejected)
        {
            await FailAsync(row, job, rejected.Message, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, row.Id, job.Attempts, e);
            if (job.Attempts >= Settings.JobMaxAttempts)
                await FailAsync(row, job, "the file could not be processed", cancellationToken);
            else
                await jobs.RetryLaterAsync(row.Id, job.Attempts, e.Message, cancellationToken);
        }
    }

    /// <summary>
    /// The low-bit-rate rendition of a video that is out already: added to its files if the media still has the main
    /// file it was made from (a filter changed meanwhile makes all its files anew). A failure here fails nothing: the
    /// video plays without it.
    /// </summary>
    private async Task MakeLowAsync(MediaRow row, ClaimedJob job, CancellationToken cancellationToken)
    {
        StoredRendition? low = null;
        try
        {
            low = row.State == MediaStates.Ready ? await renderer.MakeLowAsync(row, cancellationToken) : null;
        }
        catch (Exception e) when (e is MediaRejectedException or IOException)
        {
            LogLowFailed(logger, row.Id, e);
        }
        var added = await db.WriteAsync(async (c, t) =>
        {
            var renditions = await c.QuerySingleOrDefaultAsync<string>(c.Command(
                "SELECT renditions FROM media_attachments WHERE id = @id AND file_key = @fileKey", new { id = row.Id, fileKey = row.FileKey }, t, cancellationToken));
            var updated = 0;
            if (low is not null && renditions is not null)
            {
                var files = (JsonSerializer.Deserialize(renditions, MastodonJson.Default.IReadOnlyListStoredRendition) ?? []).ToList();
                // Beside the main rendition, largest first, as a job that makes both writes them.
                files.Insert(files.FindIndex(f => f.Key == row.FileKey) + 1, low);
                updated = await c.ExecuteAsync(c.Command(
                    "UPDATE media_attachments SET renditions = @renditions WHERE id = @id",
                    new { renditions = JsonSerializer.Serialize<IReadOnlyList<StoredRendition>>(files, MastodonJson.Default.IReadOnlyListStoredRendition), id = row.Id },
                    t, cancellationToken));
            }
            await jobs.CompleteAsync(c, t, job, cancellationToken);
            return updated == 1;
        }, cancellationToken);
        if (low is not null && !added)
            await store.DeleteAsync(low.Key, cancellationToken);
    }

    private async Task FailAsync(MediaRow row, ClaimedJob job, string reason, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync(c.Command(
                "UPDATE media_attachments SET state = @failed, failure = @reason, source_key = NULL WHERE id = @id",
                new { failed = MediaStates.Failed, reason, id = row.Id }, t, cancellationToken));
            await jobs.CompleteAsync(c, t, job, cancellationToken);
        }, cancellationToken);
        await store.DeleteSourceAsync(row.SourceKey!, cancellationToken);
        await pending.FailWaitingOnAsync(row.Id, reason, cancellationToken);
    }

    /// <summary>The files of an earlier processing of the same upload (a filter changed), now replaced.</summary>
    private static IEnumerable<string> Replaced(MediaRow before, MadeMedia after)
    {
        var now = after.Files.Select(r => r.Key).ToHashSet();
        return Keys(before).Where(k => !now.Contains(k));
    }

    /// <summary>Every served file of a media row.</summary>
    public static IEnumerable<string> Keys(MediaRow row) =>
        (JsonSerializer.Deserialize(row.Renditions, MastodonJson.Default.IReadOnlyListStoredRendition) ?? []).Select(r => r.Key)
        .Append(row.FileKey).Append(row.PreviewKey ?? "").Where(MediaKeys.IsValid).Distinct();

    public async Task DeleteFilesAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        foreach (var key in keys)
            await store.DeleteAsync(key, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Making the low-bit-rate rendition of media {MediaId} failed; it plays without one")]
    private static partial void LogLowFailed(ILogger logger, long mediaId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Processing media {MediaId} failed (attempt {Attempts})")]
    private static partial void LogFailed(ILogger logger, long mediaId, int attempts, Exception exception);
}
