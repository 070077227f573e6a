using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Uploads;

/// <summary>
/// The tus 1.0 protocol (core, creation, creation-with-upload, termination, expiration, checksum) at
/// <c>/api/v1/pinhole/uploads</c>, so any tus client resumes an upload where the link dropped. A finished upload
/// becomes media; its id comes back in <c>Pinhole-Media-Id</c> on the last PATCH and on HEAD.
/// </summary>
public static class TusEndpoints
{
    public const string Version = "1.0.0";
    public const string MediaIdHeader = "Pinhole-Media-Id";
    private const string ChunkType = "application/offset+octet-stream";

    public static IServiceCollection AddUploads(this IServiceCollection services) => services
        .AddSingleton<UploadLocks>()
        .AddSingleton<ResumableUploads>()
        .AddHostedService<UploadJanitor>();

    public static RouteGroupBuilder MapUploads(this RouteGroupBuilder api)
    {
        var maxBytes = api.ServiceProvider().GetRequiredService<ResumableUploads>().MaxBytes;
        var uploads = api.MapGroup("/v1/pinhole/uploads").AddEndpointFilter(async (context, next) =>
        {
            // Every answer, refusals included, says which protocol it speaks.
            var http = context.HttpContext;
            http.Response.OnStarting(() =>
            {
                http.Response.Headers["Tus-Resumable"] = Version;
                http.Response.Headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            if (!HttpMethods.IsOptions(http.Request.Method) && http.Request.Headers["Tus-Resumable"] != Version)
            {
                http.Response.Headers["Tus-Version"] = Version;
                throw new ApiException(StatusCodes.Status412PreconditionFailed, $"Tus-Resumable must be {Version}");
            }
            return await next(context);
        });
        uploads.MapMethods("", [HttpMethods.Options], Options);
        uploads.MapPost("", Create).RequireScope(Scopes.WriteMedia).WithMetadata(new BodySizeLimit(maxBytes));
        uploads.MapMethods("/{id:long}", [HttpMethods.Head], Head).RequireScope(Scopes.WriteMedia);
        uploads.MapPatch("/{id:long}", Patch).RequireScope(Scopes.WriteMedia).WithMetadata(new BodySizeLimit(maxBytes));
        uploads.MapDelete("/{id:long}", Delete).RequireScope(Scopes.WriteMedia);
        return api;
    }

    private static IServiceProvider ServiceProvider(this RouteGroupBuilder api) => ((IEndpointRouteBuilder)api).ServiceProvider;

    private static NoContent Options(HttpContext http, ResumableUploads uploads)
    {
        var headers = http.Response.Headers;
        headers["Tus-Version"] = Version;
        headers["Tus-Extension"] = "creation,creation-with-upload,termination,expiration,checksum";
        headers["Tus-Max-Size"] = uploads.MaxBytes.ToString(CultureInfo.InvariantCulture);
        headers["Tus-Checksum-Algorithm"] = "sha256,sha1";
        return TypedResults.NoContent();
    }

    // Not cancelled with the request, for the same reason as PATCH: the first bytes may already be here.
    private static async Task<StatusCodeHttpResult> Create(HttpContext http, Caller caller, ResumableUploads uploads, PublicUrl urls)
    {
        var request = http.Request;
        if (request.Headers.ContainsKey("Upload-Defer-Length"))
            throw ApiException.BadRequest("Upload-Defer-Length is not supported; send Upload-Length");
        if (!long.TryParse(request.Headers["Upload-Length"], NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            throw ApiException.BadRequest("Upload-Length is required: the size of the file in bytes");
        if (length > uploads.MaxBytes)
            throw new ApiException(StatusCodes.Status413PayloadTooLarge, $"The file is larger than the limit of {uploads.MaxBytes / (1024 * 1024)} MB");
        var pairs = TusMetadata.Parse(request.Headers["Upload-Metadata"])
            ?? throw ApiException.BadRequest("Upload-Metadata is malformed: comma-separated keys, each with an optional base64 value");
        // Refused now, before a byte is sent, rather than after the whole file.
        if (pairs.GetValueOrDefault("description") is { } description && description.Length > 0)
            http.RequestServices.GetRequiredService<MediaUploads>().ValidateDescription(description);
        if (pairs.GetValueOrDefault("filter") is { Length: > 0 } filter)
            MediaUploads.ValidateFilter(filter);
        MediaUploads.ParseFocus(pairs.GetValueOrDefault("focus"));

        var (row, created) = await uploads.CreateAsync(caller.Account, length, pairs, IdempotencyKeys.FromHeader(request), CancellationToken.None);
        var headers = http.Response.Headers;
        headers.Location = urls.Asset($"api/v1/pinhole/uploads/{row.Id.ToString(CultureInfo.InvariantCulture)}");
        SetExpiry(http, row);
        if (created && request.ContentType == ChunkType)
        {
            var appended = await uploads.AppendAsync(row, 0, request.BodyReader, ChunkChecksum.Parse(request.Headers["Upload-Checksum"]), http.Abort);
            SetProgress(http, appended.Offset, appended.MediaId);
        }
        else if (!created)
        {
            SetProgress(http, row.UploadOffset, row.MediaId);
        }
        return TypedResults.StatusCode(StatusCodes.Status201Created);
    }

    private static async Task<Ok> Head(long id, HttpContext http, Caller caller, ResumableUploads uploads, CancellationToken cancellationToken)
    {
        var (row, mediaId) = await uploads.SettleAsync(caller.Account, id, cancellationToken);
        http.Response.Headers["Upload-Length"] = row.Length.ToString(CultureInfo.InvariantCulture);
        SetExpiry(http, row);
        SetProgress(http, row.UploadOffset, mediaId);
        return TypedResults.Ok();
    }

    // Not cancelled with the request: whatever part of the chunk arrived before the line dropped is kept (see AppendAsync).
    private static async Task<NoContent> Patch(long id, HttpContext http, Caller caller, ResumableUploads uploads)
    {
        var request = http.Request;
        if (request.ContentType != ChunkType)
            throw new ApiException(StatusCodes.Status415UnsupportedMediaType, $"Content-Type must be {ChunkType}");
        if (!long.TryParse(request.Headers["Upload-Offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            throw ApiException.BadRequest("Upload-Offset is required");
        var checksum = ChunkChecksum.Parse(request.Headers["Upload-Checksum"]);
        var row = await uploads.FindAsync(caller.Account, id, CancellationToken.None);
        var appended = await uploads.AppendAsync(row, offset, request.BodyReader, checksum, http.Abort);
        SetExpiry(http, row);
        SetProgress(http, appended.Offset, appended.MediaId);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> Delete(long id, Caller caller, ResumableUploads uploads, CancellationToken cancellationToken)
    {
        await uploads.DeleteAsync(await uploads.FindAsync(caller.Account, id, cancellationToken), cancellationToken);
        return TypedResults.NoContent();
    }

    private static void SetExpiry(HttpContext http, UploadRow row) =>
        http.Response.Headers["Upload-Expires"] = DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt).ToString("R", CultureInfo.InvariantCulture);

    private static void SetProgress(HttpContext http, long offset, long? mediaId)
    {
        http.Response.Headers["Upload-Offset"] = offset.ToString(CultureInfo.InvariantCulture);
        if (mediaId is { } media)
            http.Response.Headers[MediaIdHeader] = media.ToString(CultureInfo.InvariantCulture);
    }
}
