using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.Features.Search;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Features.Timelines;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Places;

/// <summary>
/// Places (Pinhole's extension): where posts were taken, by name and coarse coordinates. A post carries one
/// (<c>pinhole_place_id</c> or <c>pinhole_place[name]</c> on POST /api/v1/statuses); a place has its own timeline,
/// paged like a tag's, and can be found by the start of its name or near a point.
/// </summary>
public static class PlaceEndpoints
{
    public const int DefaultRadiusKm = 10;
    public const int MaxRadiusKm = 100;

    public static IServiceCollection AddPlaces(this IServiceCollection services) => services.AddSingleton<PlaceRegistry>();

    public static RouteGroupBuilder MapPlaces(this RouteGroupBuilder api)
    {
        var places = api.MapGroup("/v1/pinhole/places");
        places.MapPost("/", Create).RequireScope(Scopes.WriteStatuses);
        places.MapGet("/", Search).AllowAnonymous(Scopes.ReadStatuses);
        places.MapGet("/nearby", Nearby).AllowAnonymous(Scopes.ReadStatuses);
        places.MapGet("/{id:long}", Get).AllowAnonymous(Scopes.ReadStatuses);
        api.MapGet("/v1/timelines/place/{id:long}", PlaceTimeline).AllowAnonymous(Scopes.ReadStatuses);
        return api;
    }

    /// <summary>Names a place before posting there (a compose screen's "add location"); the same name and spot give the same place.</summary>
    private static async Task<Ok<Place>> Create(HttpContext http, Caller caller, Db db, PlaceRegistry places, PublicUrl urls, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var spec = PlaceInput.Spec(form.Text("name"), form.Text("latitude"), form.Text("longitude"), places.Decimals);
        var id = await db.WriteAsync((connection, transaction) => places.FindOrCreateAsync(connection, transaction, caller.Account, spec, cancellationToken), cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok((await PlaceVisibility.FindSeenAsync(connection, caller.Account, id, cancellationToken)).Render(urls));
    }

    private static async Task<Ok<Place>> Get(long id, Caller caller, Db db, PublicUrl urls, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok((await PlaceVisibility.FindSeenAsync(connection, caller.AccountId ?? 0, id, cancellationToken)).Render(urls));
    }

    /// <summary>Places whose name starts with <c>q</c> (any case): an exact name first, then shorter names.</summary>
    private static async Task<Ok<IReadOnlyList<Place>>> Search(HttpContext http, Caller caller, Db db, PublicUrl urls, CancellationToken cancellationToken)
    {
        var query = RequestParams.FromQuery(http.Request.Query);
        var text = query.Text("q")?.Trim() ?? "";
        if (text.Length == 0)
            throw ApiException.Unprocessable("Validation failed: q can't be blank");
        var prefix = PlaceInput.Name(text).ToLowerInvariant();
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PlaceRow>(connection.Command(
            $"""
            SELECT {PlaceRow.Columns} FROM places p
            WHERE p.name_key >= @prefix AND p.name_key < @end AND {PlaceVisibility.Listed("p")}
            ORDER BY CASE WHEN p.name_key = @prefix THEN 0 ELSE 1 END, LENGTH(p.name_key), p.id
            LIMIT @limit
            """,
            new { prefix, end = SearchTerms.PrefixEnd(prefix), viewer = caller.AccountId ?? 0, limit = Limit(query) }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<Place>>(rows.Select(r => r.Render(urls)).ToList());
    }

    /// <summary>
    /// Listed places within <c>radius</c> km (default 10, at most 100) of a point, nearest first. The box is cut on
    /// the (latitude, longitude) index; the order is by distance on a locally flat earth, plenty for places this coarse.
    /// </summary>
    private static async Task<Ok<IReadOnlyList<Place>>> Nearby(HttpContext http, Caller caller, Db db, PublicUrl urls, CancellationToken cancellationToken)
    {
        var query = RequestParams.FromQuery(http.Request.Query);
        var (latitude, longitude) = PlaceInput.Coordinates(query.Text("latitude"), query.Text("longitude"), decimals: 6);
        if (latitude is not { } lat || longitude is not { } lon)
            throw ApiException.Unprocessable("Validation failed: latitude and longitude are required");
        var radius = query.Text("radius") is { Length: > 0 } r ? Math.Clamp(PlaceInput.Number(r, "radius"), 0.1, MaxRadiusKm) : DefaultRadiusKm;
        const double KmPerDegree = 111.32;
        var latitudeSpan = radius / KmPerDegree;
        // A degree of longitude shrinks towards the poles; near them the box simply takes every longitude.
        var squeeze = Math.Cos(lat * Math.PI / 180);
        var longitudeSpan = squeeze < 0.01 ? 360 : Math.Min(360, radius / (KmPerDegree * squeeze));
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<PlaceRow>(connection.Command(
            $"""
            SELECT {PlaceRow.Columns} FROM places p
            WHERE p.latitude >= @south AND p.latitude <= @north AND p.longitude >= @west AND p.longitude <= @east
              AND {PlaceVisibility.Listed("p")}
            ORDER BY (p.latitude - @lat) * (p.latitude - @lat) + (p.longitude - @lon) * (p.longitude - @lon) * @squeeze2, p.id
            LIMIT @limit
            """,
            new
            {
                south = lat - latitudeSpan, north = lat + latitudeSpan, west = lon - longitudeSpan, east = lon + longitudeSpan,
                lat, lon, squeeze2 = squeeze * squeeze, viewer = caller.AccountId ?? 0, limit = Limit(query),
            }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<Place>>(rows.Select(r => r.Render(urls)).ToList());
    }

    /// <summary>
    /// The public posts taken at a place, newest first, paged as tag timelines are (<c>max_id</c>, <c>since_id</c>,
    /// <c>min_id</c>, <c>limit</c>, <c>only_media</c>): one range scan of the (place, post id) index.
    /// </summary>
    private static async Task<Ok<IReadOnlyList<Status>>> PlaceTimeline(long id, HttpContext http, Caller caller, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        var viewer = caller.AccountId ?? 0;
        var onlyMedia = RequestParams.FromQuery(http.Request.Query).Bool("only_media") == true ? "AND s.has_media = TRUE" : "";
        await using var connection = await db.OpenAsync(cancellationToken);
        await PlaceVisibility.FindSeenAsync(connection, viewer, id, cancellationToken);
        return TypedResults.Ok(await Timeline.ReadAsync(http, connection, views, viewer,
            $"""
            SELECT s.id AS cursor, s.id AS status_id FROM statuses s
            WHERE s.place_id = @id AND s.visibility = 0 AND s.reblog_of_id IS NULL {onlyMedia}
              AND {VisibleTo.Viewer("s")} AND {FeedFilter.Shown("s")}
            """, "s.id", new { id }, cancellationToken, FilterContexts.Public));
    }

    private static int Limit(RequestParams query) => (int)Math.Clamp(query.Id("limit") ?? 20, 1, 40);
}
