using System.Data.Common;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Notifications;

public static class NotificationEndpoints
{
    public static IServiceCollection AddNotifications(this IServiceCollection services) =>
        services.AddSingleton<Notifier>().AddSingleton<NotificationViews>();

    public static RouteGroupBuilder MapNotifications(this RouteGroupBuilder api)
    {
        var notifications = api.MapGroup("/v1/notifications");
        notifications.MapGet("/", List).RequireScope(Scopes.ReadNotifications);
        notifications.MapGet("/unread_count", UnreadCount).RequireScope(Scopes.ReadNotifications);
        notifications.MapGet("/{id:long}", Get).RequireScope(Scopes.ReadNotifications);
        notifications.MapPost("/{id:long}/dismiss", Dismiss).RequireScope(Scopes.WriteNotifications);
        notifications.MapPost("/clear", Clear).RequireScope(Scopes.WriteNotifications);
        api.MapGet("/v1/markers", GetMarkers).RequireScope(Scopes.ReadStatuses);
        api.MapPost("/v1/markers", SaveMarkers).RequireScope(Scopes.WriteStatuses);
        return api;
    }

    /// <summary>Notifications about a post a <c>hide</c> filter of the notifications context matches are left out (the page reads on to stay full).</summary>
    private static async Task<Ok<IReadOnlyList<Notification>>> List(HttpContext http, Caller caller, Db db, NotificationViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await ReadAsync(http, connection, views, caller.Account, time.GetUtcNow(), cancellationToken));
    }

    /// <summary>A page of the viewer's notifications, paged and narrowed by the request's query; the web app's notifications page reads it too.</summary>
    internal static async Task<IReadOnlyList<Notification>> ReadAsync(HttpContext http, DbConnection connection, NotificationViews views, long viewer, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var query = RequestParams.FromQuery(http.Request.Query);
        var filters = (await ActiveFilters.LoadAsync(connection, viewer, cancellationToken)).In(FilterContexts.Notifications, now);
        return await FilteredPage.ReadAsync(http, Page.From(http.Request, defaultLimit: 40, maxLimit: 80), async page =>
            {
                var parameters = page.AddTo(new DynamicParameters(new { viewer, now = now.ToUnixTimeMilliseconds() }));
                var requested = NotificationViews.Requested(query, parameters);
                return page.Newest(await connection.QueryAsync<NotificationViews.Row>(connection.Command(
                    $"""
                    SELECT {NotificationViews.Row.Columns} FROM notifications n
                    WHERE 1 = 1 {NotificationViews.Shown} {requested} {page.Bounds("n.id")}
                    ORDER BY {page.OrderBy("n.id")} LIMIT @page_limit
                    """, parameters, cancellationToken: cancellationToken)));
            },
            row => row.Id, rows => views.RenderAsync(connection, viewer, rows, cancellationToken, filters),
            notification => notification.Status is { } status && FilterScope.Hides(status));
    }

    private static async Task<Ok<Notification>> Get(long id, Caller caller, Db db, NotificationViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<NotificationViews.Row>(connection.Command(
            $"SELECT {NotificationViews.Row.Columns} FROM notifications n WHERE n.id = @id {NotificationViews.Shown}",
            new { id, viewer = caller.Account, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken))
            ?? throw ApiException.NotFound();
        var filters = (await ActiveFilters.LoadAsync(connection, caller.Account, cancellationToken)).In(FilterContexts.Notifications, time.GetUtcNow());
        var rendered = await views.RenderAsync(connection, caller.Account, [row], cancellationToken, filters);
        return TypedResults.Ok(rendered.Count > 0 ? rendered[0] : throw ApiException.NotFound());
    }

    /// <summary>How many notifications came after the read marker, counted up to <c>limit</c> (default 100, at most 1,000).</summary>
    private static async Task<Ok<UnreadCount>> UnreadCount(HttpContext http, Caller caller, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        var query = RequestParams.FromQuery(http.Request.Query);
        var limit = Math.Clamp(query.Id("limit") ?? 100, 1, 1000);
        var parameters = new DynamicParameters(new { viewer = caller.Account, now = time.GetUtcNow().ToUnixTimeMilliseconds(), limit });
        var requested = NotificationViews.Requested(query, parameters);
        await using var connection = await db.OpenAsync(cancellationToken);
        var count = await connection.ExecuteScalarAsync<long>(connection.Command(
            $"""
            SELECT COUNT(*) FROM (
                SELECT n.id FROM notifications n
                WHERE n.id > COALESCE((SELECT last_read_id FROM markers WHERE account_id = @viewer AND timeline = 'notifications'), 0)
                {NotificationViews.Shown} {requested}
                LIMIT @limit) unread
            """, parameters, cancellationToken: cancellationToken));
        return TypedResults.Ok(new UnreadCount(count));
    }

    private static async Task<Ok<EmptyObject>> Dismiss(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(connection.Command(
                "DELETE FROM notifications WHERE id = @id AND account_id = @viewer", new { id, viewer = caller.Account }, transaction, cancellationToken)) == 0)
                throw ApiException.NotFound();
        }, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    private static async Task<Ok<EmptyObject>> Clear(Caller caller, Db db, CancellationToken cancellationToken)
    {
        await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            "DELETE FROM notifications WHERE account_id = @viewer", new { viewer = caller.Account }, transaction, cancellationToken)), cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    private static readonly string[] Timelines = ["home", "notifications"];

    private sealed class MarkerRow
    {
        public string Timeline { get; init; } = "";
        public long LastReadId { get; init; }
        public long Version { get; init; }
        public long UpdatedAt { get; init; }
    }

    private static async Task<Ok<IReadOnlyDictionary<string, Marker>>> GetMarkers(HttpContext http, Caller caller, Db db, CancellationToken cancellationToken)
    {
        var asked = RequestParams.FromQuery(http.Request.Query).List("timeline").Intersect(Timelines).ToArray();
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await ReadMarkersAsync(connection, caller.Account, asked, cancellationToken));
    }

    /// <summary>Saves <c>home[last_read_id]</c> and/or <c>notifications[last_read_id]</c>; each save bumps the marker's version.</summary>
    private static async Task<Ok<IReadOnlyDictionary<string, Marker>>> SaveMarkers(HttpContext http, Caller caller, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var saved = new List<string>();
        await db.WriteAsync(async (connection, transaction) =>
        {
            foreach (var timeline in Timelines)
            {
                if (form.Id($"{timeline}[last_read_id]") is not { } lastRead)
                    continue;
                await connection.ExecuteAsync(connection.Command(
                    """
                    INSERT INTO markers (account_id, timeline, last_read_id, version, updated_at) VALUES (@viewer, @timeline, @lastRead, 1, @now)
                    ON CONFLICT (account_id, timeline) DO UPDATE SET last_read_id = @lastRead, version = markers.version + 1, updated_at = @now
                    """,
                    new { viewer = caller.Account, timeline, lastRead, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken));
                saved.Add(timeline);
            }
        }, cancellationToken);
        if (saved.Count == 0)
            throw ApiException.Unprocessable("Validation failed: send home[last_read_id] or notifications[last_read_id]");
        await using var read = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await ReadMarkersAsync(read, caller.Account, saved, cancellationToken));
    }

    private static async Task<IReadOnlyDictionary<string, Marker>> ReadMarkersAsync(System.Data.Common.DbConnection connection, long viewer, IReadOnlyList<string> timelines, CancellationToken cancellationToken)
    {
        if (timelines.Count == 0)
            return new Dictionary<string, Marker>();
        var rows = await connection.QueryAsync<MarkerRow>(connection.Command(
            "SELECT timeline, last_read_id, version, updated_at FROM markers WHERE account_id = @viewer AND timeline IN @timelines",
            new { viewer, timelines }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Timeline, r => new Marker(
            r.LastReadId.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Version, DateTimeOffset.FromUnixTimeMilliseconds(r.UpdatedAt)));
    }
}
