using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Places;

/// <summary>Makes places, reusing one already known to the person naming it, so "Mansu Hill" posted twice is one place with one timeline.</summary>
public sealed class PlaceRegistry(Snowflake ids, TimeProvider time, IOptions<PinholeOptions> options)
{
    public int Decimals => options.Value.Places.CoordinateDecimals;

    /// <summary>
    /// The place a post will carry: <paramref name="placeId"/> if <paramref name="actor"/> may see it (else a 422, as
    /// for media one cannot use), or the place <paramref name="named"/> — found or made. Null when the post names none.
    /// </summary>
    public async Task<long?> ResolveAsync(DbConnection connection, DbTransaction transaction, long actor, long? placeId, PlaceSpec? named, CancellationToken cancellationToken)
    {
        if (placeId is { } id)
        {
            var seen = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                $"SELECT p.id FROM places p WHERE p.id = @id AND {PlaceVisibility.Seen("p")}", new { id, viewer = actor }, transaction, cancellationToken));
            return seen ?? throw ApiException.Unprocessable("Validation failed: place not found");
        }
        return named is null ? null : await FindOrCreateAsync(connection, transaction, actor, named, cancellationToken);
    }

    /// <summary>
    /// An existing place of the same name and coordinates that <paramref name="creator"/> already knows (one they named,
    /// or a listed one), else a new one. A place only someone else knows is never handed out: that would tell its name exists.
    /// </summary>
    public async Task<long> FindOrCreateAsync(DbConnection connection, DbTransaction transaction, long creator, PlaceSpec spec, CancellationToken cancellationToken)
    {
        var nameKey = spec.Name.ToLowerInvariant();
        var sameSpot = spec.Latitude is null ? "p.latitude IS NULL" : "p.latitude = @Latitude AND p.longitude = @Longitude";
        var existing = await connection.QueryFirstOrDefaultAsync<long?>(connection.Command(
            $"SELECT p.id FROM places p WHERE p.name_key = @nameKey AND {sameSpot} AND {PlaceVisibility.Listed("p")} ORDER BY p.id LIMIT 1",
            new { nameKey, spec.Latitude, spec.Longitude, viewer = creator }, transaction, cancellationToken));
        if (existing is { } found)
            return found;
        var id = ids.NextId();
        await connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO places (id, name, name_key, latitude, longitude, account_id, created_at)
            VALUES (@id, @Name, @nameKey, @Latitude, @Longitude, @creator, @now)
            """,
            new { id, spec.Name, nameKey, spec.Latitude, spec.Longitude, creator, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken));
        return id;
    }
}
