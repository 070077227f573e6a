using System.Data.Common;
using Dapper;
using Pinhole.Data;

namespace Pinhole.Server.MastodonApi;

/// <summary>
/// <c>Idempotency-Key</c>: a retry of a request whose answer was lost returns the first result instead of doing the
/// work twice. Keys are per account and per kind of request (scope), and count for a day (Mastodon keeps them an
/// hour; on a link that drops for an afternoon, an hour is not enough).
/// </summary>
public sealed class IdempotencyKeys(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>Longer keys are refused: clients send UUIDs or hashes.</summary>
    public const int MaxLength = 256;

    /// <summary>The header's value, checked; null when there is none.</summary>
    public static string? FromHeader(HttpRequest request)
    {
        string? key = request.Headers["Idempotency-Key"];
        if (string.IsNullOrEmpty(key))
            return null;
        if (key.Length > MaxLength)
            throw ApiException.Unprocessable($"Validation failed: Idempotency-Key is too long (maximum is {MaxLength} characters)");
        return key;
    }

    private long Cutoff => (time.GetUtcNow() - Lifetime).ToUnixTimeMilliseconds();

    /// <summary>What the key produced, if it was used in the last day.</summary>
    public Task<long?> FindAsync(DbConnection connection, DbTransaction? transaction, long account, string scope, string key, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
            "SELECT result_id FROM idempotency_keys WHERE account_id = @account AND scope = @scope AND key = @key AND created_at > @cutoff",
            new { account, scope, key, cutoff = Cutoff }, transaction, cancellationToken));

    /// <summary>Records the result in the transaction that produced it; an expired use of the same key is replaced.</summary>
    public Task RememberAsync(DbConnection connection, DbTransaction transaction, long account, string scope, string key, long result, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO idempotency_keys (account_id, scope, key, result_id, created_at) VALUES (@account, @scope, @key, @result, @now)
            ON CONFLICT (account_id, scope, key) DO UPDATE SET result_id = excluded.result_id, created_at = excluded.created_at
            """,
            new { account, scope, key, result, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken));

    /// <summary>Forgets keys older than a day.</summary>
    public Task<int> PurgeAsync(Db db, CancellationToken cancellationToken) =>
        db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            "DELETE FROM idempotency_keys WHERE created_at <= @cutoff AND scope <> @held", new { cutoff = Cutoff, held = "held" }, transaction, cancellationToken)),
            cancellationToken);
}
