using System.Data.Common;
using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Places;

/// <summary>A <c>places</c> row, as selected with <see cref="Columns"/>.</summary>
public sealed class PlaceRow
{
    public const string Columns = "p.id, p.name, p.latitude, p.longitude";

    public long Id { get; init; }
    public string Name { get; init; } = "";
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }

    public Place Render(PublicUrl urls) =>
        new(Id.ToString(CultureInfo.InvariantCulture), Name, Latitude, Longitude, urls.Asset(PlacePaths.Page(Id)));
}

public static class PlacePaths
{
    public static string Page(long id) => "places/" + id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// Who may know of a place. A place is made by someone naming it, perhaps on a followers-only post, so its name
/// and coordinates must not reach anyone who cannot see a post there: a place is seen by whoever may see some post
/// carrying it (<see cref="VisibleTo"/>, the one rule), and by the person who named it; it is listed in search and
/// "nearby" only once it carries a public post that the viewer may see.
/// </summary>
public static class PlaceVisibility
{
    public static string Seen(string p) =>
        $"({p}.account_id = @viewer OR EXISTS (SELECT 1 FROM statuses ps WHERE ps.place_id = {p}.id AND {VisibleTo.Viewer("ps")}))";

    public static string Listed(string p) =>
        $"({p}.account_id = @viewer OR EXISTS (SELECT 1 FROM statuses ps WHERE ps.place_id = {p}.id AND ps.visibility = 0 AND {VisibleTo.Viewer("ps")}))";

    /// <summary>The place, if <paramref name="viewer"/> may see it; otherwise exactly as if it did not exist (404).</summary>
    public static async Task<PlaceRow> FindSeenAsync(DbConnection connection, long viewer, long id, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        await connection.QuerySingleOrDefaultAsync<PlaceRow>(connection.Command(
            $"SELECT {PlaceRow.Columns} FROM places p WHERE p.id = @id AND {Seen("p")}", new { id, viewer }, transaction, cancellationToken))
        ?? throw ApiException.NotFound();
}
