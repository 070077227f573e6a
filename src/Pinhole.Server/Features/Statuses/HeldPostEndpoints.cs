using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Media;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Statuses;

/// <summary>
/// Posts held until their media are processed, listed and cancelled through Mastodon's scheduled-statuses API
/// (Pinhole has no timed posts; a held post goes out as soon as its media are ready).
/// </summary>
public static class HeldPostEndpoints
{
    public static RouteGroupBuilder MapHeldPosts(this RouteGroupBuilder api)
    {
        var held = api.MapGroup("/v1/scheduled_statuses");
        held.MapGet("/", List).RequireScope(Scopes.ReadStatuses);
        held.MapGet("/{id:long}", Get).RequireScope(Scopes.ReadStatuses);
        held.MapDelete("/{id:long}", Cancel).RequireScope(Scopes.WriteStatuses);
        return api;
    }

    private static async Task<Ok<IReadOnlyList<ScheduledStatus>>> List(HttpContext http, Caller caller, Db db, MediaViews media, CancellationToken cancellationToken)
    {
        var page = Page.From(http.Request);
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = page.Newest(await connection.QueryAsync<PendingStatuses.Row>(connection.Command(
            $"""
            SELECT {PendingStatuses.Columns} FROM pending_statuses p
            WHERE p.account_id = @viewer {page.Bounds("p.id")} ORDER BY {page.OrderBy("p.id")} LIMIT @page_limit
            """, page.AddTo(new DynamicParameters(new { viewer = caller.Account })), cancellationToken: cancellationToken)));
        PageLinks.Add(http, rows.FirstOrDefault()?.Id, rows.LastOrDefault()?.Id);
        return TypedResults.Ok(await RenderAsync(connection, media, rows, cancellationToken));
    }

    private static async Task<Ok<ScheduledStatus>> Get(long id, Caller caller, Db db, MediaViews media, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PendingStatuses.Row>(connection.Command(
            $"SELECT {PendingStatuses.Columns} FROM pending_statuses p WHERE p.id = @id AND p.account_id = @viewer",
            new { id, viewer = caller.Account }, cancellationToken: cancellationToken)) ?? throw ApiException.NotFound();
        return TypedResults.Ok((await RenderAsync(connection, media, [row], cancellationToken))[0]);
    }

    private static async Task<Ok<EmptyObject>> Cancel(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(connection.Command(
                "DELETE FROM pending_statuses WHERE id = @id AND account_id = @viewer", new { id, viewer = caller.Account }, transaction, cancellationToken)) == 0)
                throw ApiException.NotFound();
        }, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    public static async Task<IReadOnlyList<ScheduledStatus>> RenderAsync(System.Data.Common.DbConnection connection, MediaViews media, IReadOnlyList<PendingStatuses.Row> rows, CancellationToken cancellationToken)
    {
        var mediaIds = rows.SelectMany(r => r.Request.MediaIds).Distinct().ToArray();
        var attachments = mediaIds.Length == 0 ? [] : (await connection.QueryAsync<MediaRow>(connection.Command(
            $"SELECT {MediaRow.Columns} FROM media_attachments m WHERE m.id IN @mediaIds", new { mediaIds }, cancellationToken: cancellationToken))).ToDictionary(m => m.Id);
        return rows.Select(r =>
        {
            var request = r.Request;
            return new ScheduledStatus(
                r.Id.ToString(CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt),
                new ScheduledStatusParams(
                    request.Text ?? "",
                    request.MediaIds.Select(m => m.ToString(CultureInfo.InvariantCulture)).ToList(),
                    request.Sensitive,
                    request.SpoilerText,
                    request.Visibility?.Name(),
                    request.InReplyToId?.ToString(CultureInfo.InvariantCulture),
                    request.Language,
                    request.IdempotencyKey,
                    request.ApplicationId?.ToString(CultureInfo.InvariantCulture),
                    null,
                    null),
                request.MediaIds.Where(attachments.ContainsKey).Select(m => media.Render(attachments[m])).ToList(),
                new HeldPost(r.Failure is null ? "waiting_for_media" : "failed", r.Failure));
        }).ToList();
    }
}
