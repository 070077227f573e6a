using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Media;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// Turns an uploaded file into stored, safe media: the bytes decide what it is, libvips re-encodes it without
/// any metadata (no GPS, no camera serial), and only the re-encoded files are ever served.
/// </summary>
public sealed class MediaUploads(Db db, Snowflake ids, TimeProvider time, IMediaStore store, PhotoPipeline photos, IOptions<PinholeOptions> options)
{
    private readonly MediaSettings _settings = options.Value.Media;
    private readonly string _spool = Path.Combine(options.Value.DataDir, "tmp");

    public async Task<MediaRow> CreateAsync(long accountId, IFormFile? file, string? description, MediaFocus focus, CancellationToken cancellationToken)
    {
        ValidateDescription(description);
        var photo = await ProcessAsync(file, (format, header) =>
        [
            new RenditionSpec("original", _settings.OriginalMaxEdge, format, Quality: 85),
            new RenditionSpec("small", _settings.PreviewMaxEdge, format, Quality: 80),
        ], cancellationToken);
        var folder = MediaKeys.NewFolder();
        var keys = await StoreAsync(folder, photo.Renditions, cancellationToken);
        var original = photo.Renditions[0];
        var small = photo.Renditions[1];
        var meta = new MediaMeta { Original = MediaSize.Of(original.Width, original.Height), Small = MediaSize.Of(small.Width, small.Height) };
        var row = new MediaRow
        {
            Id = ids.NextId(),
            AccountId = accountId,
            Type = "image",
            FileKey = keys[0],
            ContentType = MediaKeys.ContentType(keys[0]),
            PreviewKey = keys[1],
            Meta = JsonSerializer.Serialize(meta, MastodonJson.Default.MediaMeta),
            Blurhash = photo.BlurHash,
            Description = string.IsNullOrWhiteSpace(description) ? null : description,
            FocusX = focus.X,
            FocusY = focus.Y,
        };
        await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO media_attachments (id, account_id, type, file_key, content_type, preview_key, meta, blurhash, description, focus_x, focus_y, created_at)
            VALUES (@Id, @AccountId, @Type, @FileKey, @ContentType, @PreviewKey, @Meta, @Blurhash, @Description, @FocusX, @FocusY, @now)
            """,
            new { row.Id, row.AccountId, row.Type, row.FileKey, row.ContentType, row.PreviewKey, row.Meta, row.Blurhash, row.Description, row.FocusX, row.FocusY, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken)), cancellationToken);
        return row;
    }

    /// <summary>A profile picture or header: one stripped rendition, its long edge at most <paramref name="maxEdge"/>; returns its key.</summary>
    public async Task<string> StoreProfileImageAsync(IFormFile file, string name, int maxEdge, CancellationToken cancellationToken)
    {
        var photo = await ProcessAsync(file, (format, _) => [new RenditionSpec(name, maxEdge, format, Quality: 85)], cancellationToken);
        return (await StoreAsync(MediaKeys.NewFolder(), photo.Renditions, cancellationToken))[0];
    }

    public Task DeleteFileAsync(string key, CancellationToken cancellationToken) => store.DeleteAsync(key, cancellationToken);

    public void ValidateDescription(string? description)
    {
        if (description?.Length > _settings.DescriptionLimit)
            throw ApiException.Unprocessable($"Validation failed: Description is too long (maximum is {_settings.DescriptionLimit} characters)");
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

    private async Task<PhotoResult> ProcessAsync(IFormFile? file, Func<OutputFormat, ImageHeader, RenditionSpec[]> renditions, CancellationToken cancellationToken)
    {
        if (file is null)
            throw ApiException.Unprocessable("Validation failed: File can't be blank");
        if (file.Length == 0)
            throw ApiException.Unprocessable("Validation failed: the file is empty");
        if (file.Length > _settings.MaxImageBytes)
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"The file is larger than the limit of {_settings.MaxImageBytes / (1024 * 1024)} MB");

        Directory.CreateDirectory(_spool);
        var path = Path.Combine(_spool, Guid.NewGuid().ToString("N"));
        try
        {
            await using (var spooled = File.Create(path))
                await file.CopyToAsync(spooled, cancellationToken);
            var header = photos.ReadHeader(path);
            if (header.Type is not (SniffedType.Jpeg or SniffedType.Png or SniffedType.WebP or SniffedType.Heif or SniffedType.Avif))
                throw ApiException.Unprocessable($"Validation failed: {FileSniffer.MimeType(header.Type)} files are not supported yet");
            // Photos from cameras stay JPEG; anything that may carry transparency (PNG, WebP) becomes WebP.
            var format = header.Type is SniffedType.Png or SniffedType.WebP ? OutputFormat.WebP : OutputFormat.Jpeg;
            return await photos.ProcessAsync(path, renditions(format, header), cancellationToken);
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

    private async Task<string[]> StoreAsync(string folder, IReadOnlyList<Rendition> renditions, CancellationToken cancellationToken)
    {
        var keys = new string[renditions.Count];
        for (var i = 0; i < renditions.Count; i++)
        {
            var rendition = renditions[i];
            keys[i] = $"{folder}/{rendition.Name}.{(rendition.Format == OutputFormat.Jpeg ? "jpg" : "webp")}";
            using var bytes = new MemoryStream(rendition.Bytes, writable: false);
            await store.PutAsync(keys[i], bytes, cancellationToken);
        }
        return keys;
    }
}
