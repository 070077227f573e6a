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
        .AddSingleton<MediaUploads>()
        .AddSingleton<MediaViews>();

    public static IEndpointRouteBuilder MapMedia(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        // Uploads may be as large as the photo limit; every other request keeps the small default.
        var uploadLimit = app.ServiceProvider.GetRequiredService<IOptions<PinholeOptions>>().Value.Media.MaxImageBytes + 1024 * 1024;
        api.MapPost("/v2/media", Upload).RequireScope(Scopes.WriteMedia).WithMetadata(new BodySizeLimit(uploadLimit));
        api.MapPost("/v1/media", Upload).RequireScope(Scopes.WriteMedia).WithMetadata(new BodySizeLimit(uploadLimit));
        api.MapGet("/v1/media/{id:long}", Get).RequireScope(Scopes.WriteMedia);
        api.MapPut("/v1/media/{id:long}", Update).RequireScope(Scopes.WriteMedia);

        app.MapGet("/media/{**key}", Serve);
        return app;
    }

    private static async Task<Ok<MediaAttachment>> Upload(HttpContext http, Caller caller, MediaUploads uploads, MediaViews views, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var file = form.Files?.GetFile("file");
        var row = await uploads.CreateAsync(caller.Account, file, form.Text("description"), MediaUploads.ParseFocus(form.Text("focus")), cancellationToken);
        return TypedResults.Ok(views.Render(row));
    }

    private static async Task<Ok<MediaAttachment>> Get(long id, Caller caller, Db db, MediaViews views, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<MediaRow>(connection.Command(
            $"SELECT {MediaRow.Columns} FROM media_attachments m WHERE m.id = @id AND m.account_id = @account",
            new { id, account = caller.Account }, cancellationToken: cancellationToken)) ?? throw ApiException.NotFound();
        return TypedResults.Ok(views.Render(row));
    }

    /// <summary>Alt text and focal point can change until the media is posted; after that, editing the post changes them.</summary>
    private static async Task<Ok<MediaAttachment>> Update(long id, HttpContext http, Caller caller, Db db, MediaUploads uploads, MediaViews views, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var description = form.Text("description");
        uploads.ValidateDescription(description);
        var focus = form.Has("focus") ? MediaUploads.ParseFocus(form.Text("focus")) : null;
        var row = await db.WriteAsync(async (connection, transaction) =>
        {
            var existing = await connection.QuerySingleOrDefaultAsync<MediaRow>(connection.Command(
                $"SELECT {MediaRow.Columns} FROM media_attachments m WHERE m.id = @id AND m.account_id = @account AND m.status_id IS NULL",
                new { id, account = caller.Account }, transaction, cancellationToken: cancellationToken)) ?? throw ApiException.NotFound();
            var updated = new MediaRow
            {
                Id = existing.Id, AccountId = existing.AccountId, Type = existing.Type, FileKey = existing.FileKey,
                ContentType = existing.ContentType, PreviewKey = existing.PreviewKey, Meta = existing.Meta, Blurhash = existing.Blurhash,
                Description = form.Has("description") ? (string.IsNullOrWhiteSpace(description) ? null : description) : existing.Description,
                FocusX = focus?.X ?? existing.FocusX,
                FocusY = focus?.Y ?? existing.FocusY,
            };
            await connection.ExecuteAsync(connection.Command(
                "UPDATE media_attachments SET description = @Description, focus_x = @FocusX, focus_y = @FocusY WHERE id = @Id",
                updated, transaction, cancellationToken: cancellationToken));
            return updated;
        }, cancellationToken);
        return TypedResults.Ok(views.Render(row));
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
