using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Media;

/// <summary>A leased job. Init properties, not a positional record: Dapper converts each database's integer widths into them.</summary>
public sealed record ClaimedJob
{
    public long MediaId { get; init; }
    public int Attempts { get; init; }
    public int Version { get; init; }
    public int Stage { get; init; }
}

/// <summary>What a job does next to its media.</summary>
public static class JobStages
{
    /// <summary>Make the media's files and publish it.</summary>
    public const int Make = 0;

    /// <summary>Make the low-bit-rate rendition of a video that went out without it (it was copied, not re-encoded).</summary>
    public const int LowRendition = 1;
}

/// <summary>
/// Media waiting to be processed, as rows in the database: they survive a crash or a restart. A worker leases
/// a job (<c>locked_by</c>, <c>locked_until</c>); if the process dies, the lease runs out and another worker takes
/// it, and the same node releases its own leases as soon as it starts again (nothing of its can still be running).
/// </summary>
public sealed class MediaJobs(Db db, TimeProvider time, IOptions<PinholeOptions> options)
{
    private MediaSettings Settings => options.Value.Media;

    /// <summary>This node's name on the leases it takes; distinct per node because node ids are.</summary>
    public string Worker => $"node-{options.Value.NodeId}";

    /// <param name="leased">Taken by this request at once (to process inline) rather than left for a worker.</param>
    public Task EnqueueAsync(DbConnection connection, DbTransaction transaction, long mediaId, bool leased, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO media_jobs (media_id, attempts, available_at, locked_by, locked_until, created_at, stage)
            VALUES (@mediaId, @attempts, @now, @lockedBy, @lockedUntil, @now, 0)
            ON CONFLICT (media_id) DO UPDATE SET version = media_jobs.version + 1, available_at = @now, attempts = 0, last_error = NULL, stage = 0
            """,
            new
            {
                mediaId, attempts = leased ? 1 : 0, now = now.ToUnixTimeMilliseconds(), lockedBy = leased ? Worker : null,
                lockedUntil = leased ? (now + Lease).ToUnixTimeMilliseconds() : (long?)null,
            },
            transaction, cancellationToken));
    }

    private TimeSpan Lease => TimeSpan.FromSeconds(Settings.JobLeaseSeconds);

    /// <summary>Leases the next job that is due and not held; null when there is none.</summary>
    public async Task<ClaimedJob?> ClaimNextAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        return await db.WriteAsync((connection, transaction) => connection.QuerySingleOrDefaultAsync<ClaimedJob>(connection.Command(
            """
            UPDATE media_jobs SET locked_by = @worker, locked_until = @until, attempts = attempts + 1
            WHERE media_id = (SELECT media_id FROM media_jobs
                              WHERE available_at <= @now AND (locked_until IS NULL OR locked_until < @now)
                              ORDER BY available_at, media_id LIMIT 1)
              AND (locked_until IS NULL OR locked_until < @now)
            RETURNING media_id, attempts, version, stage
            """,
            new { worker = Worker, now = now.ToUnixTimeMilliseconds(), until = (now + Lease).ToUnixTimeMilliseconds() },
            transaction, cancellationToken)), cancellationToken);
    }

    /// <summary>
    /// Ends a job, unless it was asked for again while it ran (its version moved on): then it is only let go, to be
    /// done once more with what was asked last.
    /// </summary>
    public Task CompleteAsync(DbConnection connection, DbTransaction transaction, ClaimedJob job, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(connection.Command(
            """
            DELETE FROM media_jobs WHERE media_id = @MediaId AND version = @Version;
            UPDATE media_jobs SET locked_by = NULL, locked_until = NULL WHERE media_id = @MediaId;
            """,
            job, transaction, cancellationToken));

    /// <summary>
    /// Turns a finished job into its next stage, to be leased like any job; false when the media was asked for again
    /// while the job ran (then the job is done over from the start, and no next stage is due).
    /// </summary>
    public async Task<bool> ContinueAsync(DbConnection connection, DbTransaction transaction, ClaimedJob job, int stage, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(connection.Command(
            """
            UPDATE media_jobs SET stage = @stage, attempts = 0, available_at = @now, locked_by = NULL, locked_until = NULL, last_error = NULL
            WHERE media_id = @mediaId AND version = @version
            """,
            new { stage, now = time.GetUtcNow().ToUnixTimeMilliseconds(), mediaId = job.MediaId, version = job.Version },
            transaction, cancellationToken)) == 1;

    /// <summary>Puts a job back after a failure that may pass (the store was unreachable, the disk was full), later each time.</summary>
    public Task RetryLaterAsync(long mediaId, int attempts, string error, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(Settings.JobRetrySeconds * attempts);
        return db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            "UPDATE media_jobs SET locked_by = NULL, locked_until = NULL, available_at = @at, last_error = @error WHERE media_id = @mediaId",
            new { mediaId, at = (time.GetUtcNow() + delay).ToUnixTimeMilliseconds(), error = error.Length > 2000 ? error[..2000] : error },
            transaction, cancellationToken)), cancellationToken);
    }

    /// <summary>At start: every lease this node holds is left from a previous run of it, so it is released.</summary>
    public Task<int> ReleaseOwnLeasesAsync(CancellationToken cancellationToken) =>
        db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            "UPDATE media_jobs SET locked_by = NULL, locked_until = NULL WHERE locked_by = @worker",
            new { worker = Worker }, transaction, cancellationToken)), cancellationToken);
}
