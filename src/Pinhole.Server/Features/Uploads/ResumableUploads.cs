using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Microsoft.Win32.SafeHandles;
using Pinhole.Data;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Uploads;

/// <summary>An <c>uploads</c> row.</summary>
public sealed class UploadRow
{
    public long Id { get; init; }
    public long AccountId { get; init; }
    public long Length { get; init; }
    public long UploadOffset { get; init; }
    public string Metadata { get; init; } = "{}";
    public long? MediaId { get; init; }
    public long CreatedAt { get; init; }
    public long ExpiresAt { get; init; }

    public bool Complete => UploadOffset == Length;

    public IReadOnlyDictionary<string, string> Pairs =>
        JsonSerializer.Deserialize(Metadata, MastodonJson.Default.DictionaryStringString) ?? [];
}

/// <summary>What a chunk did to an upload.</summary>
public sealed record Appended(long Offset, long? MediaId);

/// <summary>
/// Resumable uploads: bytes go straight from the request to a file through a small buffer (never the whole upload
/// in memory), and the offset in the database only ever names bytes already flushed to disk. A chunk cut off
/// mid-way keeps what arrived, so a client on a dropping link resends only what was lost. When the last byte
/// arrives the file becomes media through the same path as <c>POST /api/v2/media</c>, in the transaction that
/// records the media id on the upload: a crash leaves either a complete upload (finished on the next request) or
/// its media, never both or neither.
/// </summary>
public sealed class ResumableUploads(Db db, Snowflake ids, TimeProvider time, MediaUploads media, IdempotencyKeys idempotency, UploadLocks locks, IOptions<PinholeOptions> options)
{
    private const string Columns = "id, account_id, length, upload_offset, metadata, media_id, created_at, expires_at";
    private const string IdempotencyScope = "upload";

    /// <summary>During a long chunk without a checksum, progress is made durable every this many bytes.</summary>
    private const long Checkpoint = 4L * 1024 * 1024;

    private UploadSettings Settings => options.Value.Uploads;

    private string Folder => Path.Combine(options.Value.DataDir, "uploads");

    public string PathOf(long id) => Path.Combine(Folder, $"{id}.part");

    public long MaxBytes => Settings.MaxBytes;

    /// <summary>Starts an upload, or finds the one an earlier request with the same Idempotency-Key started.</summary>
    public async Task<(UploadRow Row, bool Created)> CreateAsync(long account, long length, IReadOnlyDictionary<string, string> pairs, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = ids.NextId();
        Directory.CreateDirectory(Folder);
        var existing = await db.WriteAsync(async (connection, transaction) =>
        {
            if (idempotencyKey is not null && await idempotency.FindAsync(connection, transaction, account, IdempotencyScope, idempotencyKey, cancellationToken) is { } earlier)
                return earlier;
            var inProgress = await connection.ExecuteScalarAsync<long>(connection.Command(
                "SELECT COUNT(*) FROM uploads WHERE account_id = @account AND media_id IS NULL AND expires_at > @now",
                new { account, now = now.ToUnixTimeMilliseconds() }, transaction, cancellationToken));
            if (inProgress >= Settings.MaxInProgress)
                throw new ApiException(StatusCodes.Status429TooManyRequests, $"Too many uploads in progress (the limit is {Settings.MaxInProgress}); finish or delete one first");
            await connection.ExecuteAsync(connection.Command(
                "INSERT INTO uploads (id, account_id, length, upload_offset, metadata, created_at, expires_at) VALUES (@id, @account, @length, 0, @metadata, @now, @expires)",
                new
                {
                    id, account, length, metadata = JsonSerializer.Serialize(pairs.ToDictionary(), MastodonJson.Default.DictionaryStringString),
                    now = now.ToUnixTimeMilliseconds(), expires = (now + TimeSpan.FromHours(Settings.ExpiryHours)).ToUnixTimeMilliseconds(),
                },
                transaction, cancellationToken));
            if (idempotencyKey is not null)
                await idempotency.RememberAsync(connection, transaction, account, IdempotencyScope, idempotencyKey, id, cancellationToken);
            return (long?)null;
        }, cancellationToken);
        if (existing is { } earlierId)
            return (await FindAsync(account, earlierId, cancellationToken), false);
        await File.Create(PathOf(id)).DisposeAsync();
        return (await FindAsync(account, id, cancellationToken), true);
    }

    /// <summary>The caller's upload; 404 for anyone else's or none, 410 once expired.</summary>
    public async Task<UploadRow> FindAsync(long account, long id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UploadRow>(connection.Command(
            $"SELECT {Columns} FROM uploads WHERE id = @id AND account_id = @account", new { id, account }, cancellationToken: cancellationToken))
            ?? throw ApiException.NotFound();
        if (row.ExpiresAt <= time.GetUtcNow().ToUnixTimeMilliseconds() && row.MediaId is null)
            throw new ApiException(StatusCodes.Status410Gone, "The upload has expired; start it again");
        return row;
    }

    /// <summary>
    /// Writes a chunk at <paramref name="offset"/>, which must be where the upload stands. A cut-off body keeps the bytes
    /// that arrived, unless a checksum was given (a partial chunk cannot be verified, so it is dropped).
    /// </summary>
    /// <remarks>
    /// Nothing here stops at the request's abort signal: a body that arrived whole, or in part, before the line dropped
    /// is still in the server's buffers and is kept. Reads end by themselves when the connection does.
    /// </remarks>
    /// <param name="abort">Ends this request's connection once it has let go of the upload.</param>
    public async Task<Appended> AppendAsync(UploadRow row, long offset, PipeReader body, ChunkChecksum? checksum, Action abort)
    {
        using (await TakeAsync(row.Id, body.CancelPendingRead))
        {
            var current = await FindAsync(row.AccountId, row.Id, CancellationToken.None);
            if (current.MediaId is not null || current.Complete)
                return new Appended(current.UploadOffset, await FinishAsync(current, CancellationToken.None));
            if (offset != current.UploadOffset)
                throw new ApiException(StatusCodes.Status409Conflict, $"Upload-Offset is {offset} but the upload is at {current.UploadOffset}");
            var reached = await WriteAsync(current, body, checksum, abort);
            var after = await FindAsync(row.AccountId, row.Id, CancellationToken.None);
            return new Appended(reached, after.Complete ? await FinishAsync(after, CancellationToken.None) : null);
        }
    }

    /// <summary>
    /// The upload as it stands once no other request writes it (a stale one is stopped first, and what it received
    /// recorded), with its media made if it is complete. What HEAD answers.
    /// </summary>
    public async Task<(UploadRow Row, long? MediaId)> SettleAsync(long account, long id, CancellationToken cancellationToken)
    {
        await FindAsync(account, id, cancellationToken);
        using (await TakeAsync(id, abort: null))
        {
            var row = await FindAsync(account, id, cancellationToken);
            return (row, await FinishAsync(row, cancellationToken));
        }
    }

    private async Task<IDisposable> TakeAsync(long id, Action? abort)
    {
        try
        {
            return await locks.TakeAsync(id, abort);
        }
        catch (TimeoutException)
        {
            throw new ApiException(StatusCodes.Status423Locked, "The upload is being written by another request; retry in a moment");
        }
    }

    private async Task<long> WriteAsync(UploadRow row, PipeReader body, ChunkChecksum? checksum, Action abort)
    {
        var start = row.UploadOffset;
        var committed = start;
        // A checkpoint runs behind the receive loop (flush, then record), so reading never waits for the disk; the next
        // one starts only when it is done, so a slow disk makes checkpoints rarer, not the upload slower.
        Task<long>? checkpoint = null;
        using var hash = checksum?.NewHash();
        using var file = File.OpenHandle(PathOf(row.Id), FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, FileOptions.Asynchronous);
        try
        {
            // Bytes past the recorded offset were written before a crash and never confirmed: they go.
            RandomAccess.SetLength(file, start);
            var position = start;
            var segments = new List<ReadOnlyMemory<byte>>();
            var ended = false;
            // Whether the connection must be closed once what arrived is recorded: it failed, or this request let go.
            var closing = false;
            while (!ended)
            {
                ReadResult result;
                try
                {
                    result = await body.ReadAsync(CancellationToken.None);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or BadHttpRequestException)
                {
                    // The link dropped: keep what arrived; the client will ask where to go on from.
                    closing = true;
                    break;
                }
                // Let go when a newer request asks (CancelPendingRead): what is buffered is written first.
                if (result.IsCanceled)
                    closing = ended = true;
                var buffer = result.Buffer;
                if (position + buffer.Length > row.Length)
                    throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"More bytes than Upload-Length ({row.Length})");
                // One write for all of the pipe's segments (a vectored write), not one per 4 KB segment.
                segments.Clear();
                foreach (var segment in buffer)
                {
                    segments.Add(segment);
                    hash?.AppendData(segment.Span);
                }
                await RandomAccess.WriteAsync(file, segments, position, CancellationToken.None);
                position += buffer.Length;
                body.AdvanceTo(buffer.End);
                if (result.IsCompleted && !ended)
                {
                    if (hash is not null && !checksum!.Matches(hash.GetHashAndReset()))
                        throw new ApiException(460, "Upload-Checksum does not match the chunk; it was discarded");
                    ended = true;
                }
                if (hash is null)
                {
                    if (checkpoint is { IsCompleted: true })
                        (committed, checkpoint) = (await checkpoint, null);
                    if (checkpoint is null && position - committed >= Checkpoint)
                        checkpoint = CommitAsync(row.Id, file, committed, position);
                }
            }
            if (checkpoint is not null)
                (committed, checkpoint) = (await checkpoint, null);
            long reached;
            if (hash is not null && position != start && !checksum!.Verified)
            {
                // Cut off before the end: a checksummed chunk is all or nothing.
                RandomAccess.SetLength(file, start);
                reached = start;
            }
            else
            {
                reached = position == committed ? committed : await CommitAsync(row.Id, file, committed, position);
            }
            // Closed outright, so the server does not try to drain a body that will never come.
            if (closing)
                abort();
            return reached;
        }
        catch (ApiException)
        {
            // Refused: what this request wrote goes, back to the last recorded offset (a checksummed chunk: its start).
            if (checkpoint is not null)
                committed = await checkpoint;
            RandomAccess.SetLength(file, committed);
            throw;
        }
        finally
        {
            // Failed some other way (the disk): the file stays open until a checkpoint in flight has flushed it.
            if (checkpoint is { IsCompleted: false })
                await checkpoint.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>Flushes to the disk itself, then records the offset: the database never names a byte a crash could lose.</summary>
    private async Task<long> CommitAsync(long id, SafeFileHandle file, long from, long to)
    {
        // fsync blocks its thread; off the receive loop's.
        await Task.Run(() => RandomAccess.FlushToDisk(file), CancellationToken.None);
        await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            "UPDATE uploads SET upload_offset = @to WHERE id = @id AND upload_offset = @from", new { id, from, to }, transaction, CancellationToken.None)),
            CancellationToken.None);
        return to;
    }

    /// <summary>The media of a complete upload, made now if it has not been (the last chunk's request may have died first).</summary>
    public async Task<long?> FinishAsync(UploadRow row, CancellationToken cancellationToken)
    {
        if (row.MediaId is { } done)
            return done;
        if (!row.Complete || !File.Exists(PathOf(row.Id)))
            return null;
        var pairs = row.Pairs;
        var details = new MediaUploads.Details(pairs.GetValueOrDefault("description"), MediaUploads.ParseFocus(pairs.GetValueOrDefault("focus")),
            pairs.GetValueOrDefault("filter") is { Length: > 0 } filter ? filter : null, IdempotencyKey: null);
        try
        {
            var made = await media.CreateFromFileAsync(row.AccountId, PathOf(row.Id), details, wait: false,
                (connection, transaction, mediaId) => connection.ExecuteAsync(connection.Command(
                    "UPDATE uploads SET media_id = @mediaId WHERE id = @id", new { mediaId, id = row.Id }, transaction, cancellationToken)),
                cancellationToken);
            return made.Id;
        }
        catch (ApiException)
        {
            // Not media we take (or over its kind's limit): the upload is over; its file is already gone.
            await DeleteRowAsync(row.Id, CancellationToken.None);
            throw;
        }
    }

    public async Task DeleteAsync(UploadRow row, CancellationToken cancellationToken)
    {
        using (await TakeAsync(row.Id, abort: null))
        {
            await DeleteRowAsync(row.Id, cancellationToken);
            File.Delete(PathOf(row.Id));
        }
        locks.Forget(row.Id);
    }

    private Task<int> DeleteRowAsync(long id, CancellationToken cancellationToken) =>
        db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            "DELETE FROM uploads WHERE id = @id", new { id }, transaction, cancellationToken)), cancellationToken);

    /// <summary>Deletes expired uploads and their files; returns how many.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var expired = await db.WriteAsync((connection, transaction) => connection.QueryAsync<long>(connection.Command(
            "DELETE FROM uploads WHERE expires_at <= @now RETURNING id", new { now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken)),
            cancellationToken);
        var count = 0;
        foreach (var id in expired)
        {
            File.Delete(PathOf(id));
            locks.Forget(id);
            count++;
        }
        return count;
    }
}

/// <summary><c>Upload-Checksum</c>: an algorithm (sha256, or sha1 which tus requires servers to know) and the chunk's digest.</summary>
public sealed class ChunkChecksum(string algorithm, byte[] expected)
{
    public bool Verified { get; private set; }

    public static ChunkChecksum? Parse(string? header)
    {
        if (string.IsNullOrEmpty(header))
            return null;
        var parts = header.Split(' ');
        if (parts.Length != 2 || parts[0] is not ("sha256" or "sha1"))
            throw ApiException.BadRequest("Upload-Checksum must be \"sha256 <base64>\" or \"sha1 <base64>\"");
        try
        {
            return new ChunkChecksum(parts[0], Convert.FromBase64String(parts[1]));
        }
        catch (FormatException)
        {
            throw ApiException.BadRequest("Upload-Checksum's digest is not base64");
        }
    }

    public IncrementalHash NewHash() => IncrementalHash.CreateHash(algorithm == "sha1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256);

    public bool Matches(byte[] actual) => Verified = CryptographicOperations.FixedTimeEquals(actual, expected);
}
