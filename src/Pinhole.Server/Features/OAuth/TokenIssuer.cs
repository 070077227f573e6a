using System.Data.Common;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.OAuth;

/// <summary>Issues access tokens: random, returned once, stored only as a SHA-256 hash, revocable.</summary>
public sealed class TokenIssuer(Snowflake ids, TimeProvider time)
{
    public async Task<Token> IssueAsync(DbConnection connection, DbTransaction transaction, long appId, long? accountId, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var token = Secrets.New();
        var now = time.GetUtcNow();
        var scope = string.Join(' ', scopes);
        await connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO access_tokens (id, token_hash, app_id, account_id, scopes, created_at)
            VALUES (@id, @hash, @appId, @accountId, @scope, @now)
            """,
            new { id = ids.NextId(), hash = Secrets.Hash(token), appId, accountId, scope, now = now.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken));
        return new Token(token, "Bearer", scope, now.ToUnixTimeSeconds());
    }
}
