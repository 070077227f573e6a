using System.Data.Common;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Accounts;

public static class AccountExistence
{
    /// <summary>A 404 for an account id that names nobody, before anything is done to or read about it.</summary>
    public static async Task EnsureAccountExistsAsync(this DbConnection connection, long id, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        if (await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
            "SELECT id FROM accounts WHERE id = @id", new { id }, transaction, cancellationToken)) is null)
            throw ApiException.NotFound();
    }

    /// <summary>The id of the local account with this username, in any case; null when there is none.</summary>
    public static Task<long?> FindAccountIdAsync(this DbConnection connection, string username, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
            "SELECT id FROM accounts WHERE username_key = @key", new { key = username.ToLowerInvariant() }, cancellationToken: cancellationToken));
}
