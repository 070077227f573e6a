using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Media;

public static class MediaEndpoints
{
    public static IServiceCollection AddMedia(this IServiceCollection services) => services
        .AddSingleton<IMediaStore, LocalMediaStore>()
        .AddSingleton<PhotoPipeline>()
        .AddSingleton<VideoPipeline>()
        .AddSingleton<MediaRenderer>()
        .AddSingleton<FilterPreviews>()
        .AddSingleton<MediaUploads>()
        .AddSingleton<MediaViews>()
        .AddSingleton<MediaJobs>()
        .AddSingleton<MediaSignal>()
        .AddSingleton<MediaSources>()
        .AddSingleton<MediaProcessing>()
        .AddHostedService<MediaWorker>()
        .AddHostedService<MediaJanitor>();

    public static IEndpointRouteBuilder MapMedia(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        // Uploads may be as large as the photo limit; every other request keeps the small default.
        var media = app.ServiceProvider.GetRequiredService<IOptions<PinholeOptions>>().Value.Media;
        var uploadLimit = Math.Max(media.MaxImageBytes, media.MaxVideoBytes) + 1024 * 1024;
        api.MapPost("/v2/media", Upload).RequireScope(Scopes.WriteMedia).WithMetadata(new BodySizeLimit(uploadLimit));
        api.MapPost("/v1/media", UploadAndWait).RequireScope(Scopes.WriteMedia).WithMetadata(new BodySizeLimit(uploadLimit));
        api.MapGet("/v1/media/{id:long}", Get).RequireScope(Scopes.WriteMedia);
        api.MapPut("/v1/media/{id:long}", Update).RequireScope(Scopes.WriteMedia);

        api.MapFilters();
        app.MapGet("/media/{**key}", Serve);
        return app;
    }

    /// <summary>Mastodon's v2 upload: 200 when the media is ready (small photos), 202 while it is being processed.</summary>
    private static async Task<IResult> Upload(HttpContext http, Caller caller, MediaUploads uploads, MediaViews views, CancellationToken cancellationToken) =>
        Answer(await CreateAsync(http, caller, uploads, wait: false, cancellationToken), views);

    /// <summary>Mastodon's v1 upload answers only once the media is processed.</summary>
    private static async Task<IResult> UploadAndWait(HttpContext http, Caller caller, MediaUploads uploads, MediaViews views, CancellationToken cancellationToken) =>
        Answer(await CreateAsync(http, caller, uploads, wait: true, cancellationToken), views);

    private static async Task<MediaRow> CreateAsync(HttpContext http, Caller caller, MediaUploads uploads, bool wait, CancellationToken cancellationToken)
    {
        var (form, file) = await MediaForm.ReadAsync(http.Request, uploads.Spool, cancellationToken);
        try
        {
            var filter = form.Text("filter");
            var details = new MediaUploads.Details(form.Text("description"), MediaUploads.ParseFocus(form.Text("focus")),
                string.IsNullOrEmpty(filter) ? null : filter, IdempotencyKeys.FromHeader(http.Request));
            return await uploads.CreateAsync(caller.Account, file, details, wait, cancellationToken);
        }
        finally
        {
            // Moved into the store, or still here because the request failed before that.
            if (file is not null)
                File.Delete(file);
        }
    }

    /// <summary>Ready: 200. Still processing: 202 (after an upload) or 206 (when asked again), with no URLs yet. Failed: 422 with the reason.</summary>
    private static IResult Answer(MediaRow row, MediaViews views, int processing = StatusCodes.Status202Accepted) => row.State switch
    {
        MediaStates.Ready => TypedResults.Ok(views.Render(row)),
        MediaStates.Processing => TypedResults.Json(views.Render(row), MastodonJson.Default.MediaAttachment, statusCode: processing),
        _ => throw ApiException.Unprocessable($"Validation failed: {row.Failure}"),
    };

    private static async Task<IResult> Get(long id, Caller caller, MediaUploads uploads, MediaViews views, CancellationToken cancellationToken) =>
        Answer(await uploads.LoadAsync(caller.Account, id, cancellationToken), views, StatusCodes.Status206PartialContent);

    /// <summary>
    /// Alt text, focal point and filter can change until the media is posted (after that, editing the post changes
    /// the alt text). A new filter or focal point makes its files again from the source, in the background.
    /// </summary>
    private static async Task<IResult> Update(long id, HttpContext http, Caller caller, Db db, MediaUploads uploads, MediaViews views, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var description = form.Text("description");
        uploads.ValidateDescription(description);
        var focus = form.Has("focus") ? MediaUploads.ParseFocus(form.Text("focus")) : null;
        var filter = form.Has("filter") ? form.Text("filter") is { Length: > 0 } named ? named : null : null;
        MediaUploads.ValidateFilter(filter);
        var reprocess = await db.WriteAsync(async (connection, transaction) =>
        {
            var existing = await connection.QuerySingleOrDefaultAsync<MediaRow>(connection.Command(
                $"SELECT {MediaRow.Columns} FROM media_attachments m WHERE m.id = @id AND m.account_id = @account AND m.status_id IS NULL",
                new { id, account = caller.Account }, transaction, cancellationToken: cancellationToken)) ?? throw ApiException.NotFound();
            var newFilter = form.Has("filter") ? filter : existing.Filter;
            await connection.ExecuteAsync(connection.Command(
                "UPDATE media_attachments SET description = @description, focus_x = @x, focus_y = @y, filter = @filter WHERE id = @id",
                new
                {
                    description = form.Has("description") ? (string.IsNullOrWhiteSpace(description) ? null : description) : existing.Description,
                    x = focus?.X ?? existing.FocusX, y = focus?.Y ?? existing.FocusY, filter = newFilter, id,
                },
                transaction, cancellationToken: cancellationToken));
            var moved = focus is not null && (focus.X != existing.FocusX || focus.Y != existing.FocusY);
            return existing.SourceKey is not null && existing.State != MediaStates.Failed && (newFilter != existing.Filter || moved);
        }, cancellationToken);
        if (reprocess)
            await uploads.ReprocessAsync(id, cancellationToken);
        var row = await uploads.LoadAsync(caller.Account, id, cancellationToken);
        return row.State == MediaStates.Failed ? Answer(row, views) : TypedResults.Ok(views.Render(row));
    }

    /// <summary>Media files never change once written (a new upload gets a new key), so clients and proxies may keep them for a year.</summary>
    private static IResult Serve(string key, HttpContext http, IMediaStore store)
    {
        if (!MediaKeys.IsValid(key) || store.Serve(key) is not { } file)
            return TypedResults.NotFound();
        http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        return file;
    }
}
