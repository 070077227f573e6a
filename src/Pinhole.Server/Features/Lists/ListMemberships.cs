using System.Data.Common;
using Dapper;
using Pinhole.Data;

namespace Pinhole.Server.Features.Lists;

public static class ListMemberships
{
    /// <summary>Takes <paramref name="member"/> off every list of <paramref name="owner"/>'s: lists hold only whom the owner follows.</summary>
    public static Task RemoveAsync(DbConnection connection, DbTransaction transaction, long owner, long member, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(connection.Command(
            "DELETE FROM list_accounts WHERE account_id = @member AND list_id IN (SELECT id FROM lists WHERE account_id = @owner)",
            new { owner, member }, transaction, cancellationToken));
}
