using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Media;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// Takes uploads in. The bytes decide what a file is; limits are checked before anything is decoded (a
/// decompression bomb is refused from its header); the upload is kept as a private source and queued for
/// processing, which re-encodes it without any metadata (no GPS, no camera serial). Small photos are processed at
/// once, inside the request; everything else by the workers, and the client polls until it is ready.
/// </summary>
public sealed class MediaUploads(
    Db db, Snowflake ids, TimeProvider time, IMediaStore store, PhotoPipeline photos, VideoPipeline videos, MediaJobs jobs, MediaProcessing processing,
    MediaSignal signal, IdempotencyKeys idempotency, IOptions<PinholeOptions> options)
{
    private readonly MediaSettings _settings = options.Value.Media;
    private readonly string _spool = Path.Combine(options.Value.DataDir, "tmp");

    /// <summary>What the person said about an upload, besides its bytes.</summary>
    public sealed record Details(string? Description, MediaFocus Focus, string? Filter, string? IdempotencyKey);

    private const string IdempotencyScope = "media";

    /// <summary>Where a form upload is written as it arrives (<see cref="MediaForm"/>), on the data directory's disk.</summary>
    public string Spool => _spool;

    /// <param name="spooled">The uploaded file in the <see cref="Spool"/> (null: the form had none); moved or deleted.</param>
    /// <param name="wait">Process before answering, whatever the size (Mastodon's v1 endpoint).</param>
    public async Task<MediaRow> CreateAsync(long accountId, string? spooled, Details details, bool wait, CancellationToken cancellationToken)
    {
        if (spooled is null)
            throw ApiException.Unprocessable("Validation failed: File can't be blank");
        if (await EarlierAsync(accountId, details, cancellationToken) is { } earlier)
        {
            File.Delete(spooled);
            return earlier;
        }
        return await CreateFromFileAsync(accountId, spooled, details, wait, alsoInTransaction: null, cancellationToken);
    }

    /// <summary>The media an earlier request with the same Idempotency-Key made, if any.</summary>
    private async Task<MediaRow?> EarlierAsync(long accountId, Details details, CancellationToken cancellationToken)
    {
        if (details.IdempotencyKey is not { } key)
            return null;
        await using var connection = await db.OpenAsync(cancellationToken);
        return await idempotency.FindAsync(connection, null, accountId, IdempotencyScope, key, cancellationToken) is { } id
            ? await LoadAsync(accountId, id, cancellationToken)
            : null;
    }

    private void Validate(Details details)
    {
        ValidateDescription(details.Description);
        ValidateFilter(details.Filter);
    }

    /// <summary>
    /// Makes media of a complete file on local disk (a spooled form upload, or a finished resumable upload), which is
    /// moved or deleted. <paramref name="alsoInTransaction"/> runs in the transaction that creates the media row, with
    /// its id, so whatever points to the media is written exactly when the media is.
    /// </summary>
    public async Task<MediaRow> CreateFromFileAsync(long accountId, string path, Details details, bool wait,
        Func<DbConnection, DbTransaction, long, Task>? alsoInTransaction, CancellationToken cancellationToken)
    {
        try
        {
            Validate(details);
            var type = await SniffAsync(path, cancellationToken);
            var (kind, inline) = await KindAsync(path, type, cancellationToken);
            inline |= wait;
            var size = new FileInfo(path).Length;
            var source = await store.SaveSourceAsync(path, cancellationToken);
            var id = ids.NextId();
            await db.WriteAsync(async (connection, transaction) =>
            {
                await connection.ExecuteAsync(connection.Command(
                    """
                    INSERT INTO media_attachments (id, account_id, type, file_key, content_type, meta, description, focus_x, focus_y, created_at,
                        state, source_key, size, filter)
                    VALUES (@id, @accountId, @kind, '', '', '{}', @description, @x, @y, @now, @processing, @source, @size, @filter)
                    """,
                    new
                    {
                        id, accountId, kind, description = string.IsNullOrWhiteSpace(details.Description) ? null : details.Description,
                        x = details.Focus.X, y = details.Focus.Y, now = time.GetUtcNow().ToUnixTimeMilliseconds(), processing = MediaStates.Processing,
                        source, size, filter = details.Filter,
                    },
                    transaction, cancellationToken));
                await jobs.EnqueueAsync(connection, transaction, id, leased: inline, cancellationToken);
                if (details.IdempotencyKey is { } key)
                    await idempotency.RememberAsync(connection, transaction, accountId, IdempotencyScope, key, id, cancellationToken);
                if (alsoInTransaction is not null)
                    await alsoInTransaction(connection, transaction, id);
            }, cancellationToken);

            if (inline)
                await ProcessNowAsync(id, cancellationToken);
            else
                signal.Poke();
            return await LoadAsync(accountId, id, cancellationToken);
        }
        catch (MediaRejectedException rejected)
        {
            throw ApiException.Unprocessable($"Validation failed: {rejected.Message}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// Makes an upload's files again from its source (kept until its post goes out) after its filter or focal point
    /// changed, in the background. The media stays ready meanwhile, serving its current files, so a client that
    /// sets alt text and focus and posts at once is never refused.
    /// </summary>
    public async Task ReprocessAsync(long mediaId, CancellationToken cancellationToken)
    {
        await db.WriteAsync((connection, transaction) => jobs.EnqueueAsync(connection, transaction, mediaId, leased: false, cancellationToken), cancellationToken);
        signal.Poke();
    }

    public async Task<MediaRow> LoadAsync(long accountId, long mediaId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<MediaRow>(connection.Command(
            $"SELECT {MediaRow.Columns} FROM media_attachments m WHERE m.id = @mediaId AND m.account_id = @accountId",
            new { mediaId, accountId }, cancellationToken: cancellationToken)) ?? throw ApiException.NotFound();
    }

    // Inside the request; if the client goes away meanwhile, the job is let go for a worker to finish.
    private async Task ProcessNowAsync(long mediaId, CancellationToken cancellationToken)
    {
        try
        {
            await processing.RunAsync(new ClaimedJob { MediaId = mediaId, Attempts = 1, Version = 1 }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await jobs.RetryLaterAsync(mediaId, 0, "the upload request ended before processing finished", CancellationToken.None);
            signal.Poke();
            throw;
        }
    }

    /// <summary>
    /// What the upload becomes (image, gifv, video or audio), from its header or ffprobe's reading, its limits
    /// checked before anything is decoded; and whether it is small enough to make inside the request.
    /// </summary>
    private async Task<(string Kind, bool Inline)> KindAsync(string path, SniffedType type, CancellationToken cancellationToken)
    {
        if (IsPhoto(type))
        {
            var header = photos.ReadHeader(path);
            return header.IsAnimated ? ("gifv", false) : ("image", (long)header.Width * header.Height <= _settings.InlinePixels);
        }
        if (!IsVideoOrAudio(type))
            throw new MediaRejectedException("not an image or video");
        var probe = await videos.ProbeAsync(path, cancellationToken);
        return (probe.Video is null ? "audio" : "video", false);
    }

    private static bool IsPhoto(SniffedType type) =>
        type is SniffedType.Jpeg or SniffedType.Png or SniffedType.WebP or SniffedType.Gif or SniffedType.Heif or SniffedType.Avif;

    private static bool IsVideoOrAudio(SniffedType type) =>
        type is SniffedType.Mp4 or SniffedType.QuickTime or SniffedType.WebM or SniffedType.ThreeGp
            or SniffedType.Mp3 or SniffedType.Ogg or SniffedType.Wav or SniffedType.Flac;

    /// <summary>Copies a form upload to the spool; refuses it at once if it is missing or empty.</summary>
    private async Task<string> SpoolAsync(IFormFile file, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_spool);
        var path = Path.Combine(_spool, Guid.NewGuid().ToString("N"));
        await using (var spooled = File.Create(path))
            await file.CopyToAsync(spooled, cancellationToken);
        return path;
    }

    /// <summary>What the file is, from its first bytes; refuses it if it is empty or too large for its kind.</summary>
    private async Task<SniffedType> SniffAsync(string path, CancellationToken cancellationToken)
    {
        var length = new FileInfo(path).Length;
        if (length == 0)
            throw ApiException.Unprocessable("Validation failed: the file is empty");
        var head = new byte[FileSniffer.HeadLength];
        int read;
        await using (var stream = File.OpenRead(path))
            read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        var type = FileSniffer.Sniff(head.AsSpan(0, read));
        var limit = IsVideoOrAudio(type) ? _settings.MaxVideoBytes : _settings.MaxImageBytes;
        if (length > limit)
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"The file is larger than the limit of {limit / (1024 * 1024)} MB");
        return type;
    }

    /// <summary>A profile picture or header: one stripped rendition, its long edge at most <paramref name="maxEdge"/>; returns its key.</summary>
    public async Task<string> StoreProfileImageAsync(IFormFile file, string name, int maxEdge, CancellationToken cancellationToken)
    {
        var path = await SpoolAsync(file, cancellationToken);
        try
        {
            var type = await SniffAsync(path, cancellationToken);
            if (!IsPhoto(type))
                throw new MediaRejectedException("a profile picture must be a photo");
            photos.ReadHeader(path);
            var format = type is SniffedType.Png or SniffedType.WebP ? OutputFormat.WebP : OutputFormat.Jpeg;
            var photo = await photos.ProcessAsync(path, [new RenditionSpec(name, maxEdge, format, Quality: 85)], cancellationToken);
            var key = $"{MediaKeys.NewFolder()}/{name}.{(format == OutputFormat.Jpeg ? "jpg" : "webp")}";
            using var bytes = new MemoryStream(photo.Renditions[0].Bytes, writable: false);
            await store.PutAsync(key, bytes, cancellationToken);
            return key;
        }
        catch (MediaRejectedException rejected)
        {
            throw ApiException.Unprocessable($"Validation failed: {rejected.Message}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    public Task DeleteFileAsync(string key, CancellationToken cancellationToken) => store.DeleteAsync(key, cancellationToken);

    public void ValidateDescription(string? description)
    {
        if (description?.Length > _settings.DescriptionLimit)
            throw ApiException.Unprocessable($"Validation failed: Description is too long (maximum is {_settings.DescriptionLimit} characters)");
    }

    public static void ValidateFilter(string? filter)
    {
        if (filter is not null && !Filters.Exists(filter))
            throw ApiException.Unprocessable($"Validation failed: there is no filter called {filter}; GET /api/v1/pinhole/filters lists them");
    }

    /// <summary>Mastodon's focal point, "x,y" with both in [-1, 1].</summary>
    public static MediaFocus ParseFocus(string? focus)
    {
        if (string.IsNullOrWhiteSpace(focus))
            return new MediaFocus(0, 0);
        var parts = focus.Split(',');
        if (parts.Length == 2 &&
            double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var x) &&
            double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var y) &&
            x is >= -1 and <= 1 && y is >= -1 and <= 1)
            return new MediaFocus(x, y);
        throw ApiException.Unprocessable("Validation failed: focus must be two numbers between -1.0 and 1.0, as \"x,y\"");
    }
}
