using Dapper;
using Pinhole.Data;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Streaming;

/// <summary>Who may open which stream: public ones are open to all, the others need a signed-in user, and a list only its owner.</summary>
public static class StreamAccess
{
    public static async Task CheckAsync(Db db, StreamKey key, long viewer, CancellationToken cancellationToken)
    {
        if (StreamNames.IsAnonymous(key.Name))
            return;
        if (viewer == 0)
            throw ApiException.Unauthorized();
        if (key.Name != StreamNames.List)
            return;
        await using var connection = await db.OpenAsync(cancellationToken);
        var owner = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
            "SELECT account_id FROM lists WHERE id = @id", new { id = long.Parse(key.Parameter!, System.Globalization.CultureInfo.InvariantCulture) },
            cancellationToken: cancellationToken));
        if (owner != viewer)
            throw ApiException.NotFound();
    }
}
