using System.Security.Cryptography;
using System.Text;
using Dapper;
using Pinhole.Data;

namespace Pinhole.Server.Features.OAuth;

public sealed record CodeGrant(long AccountId, IReadOnlyList<string> Scopes);

/// <summary>
/// OAuth authorization codes: single use, ten minutes, bound to the app and redirect URI they were issued for,
/// and, when the client used PKCE, to its code verifier (S256).
/// </summary>
public sealed class AuthorizationCodes(Db db, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    public async Task<string> IssueAsync(long appId, long accountId, string redirectUri, IReadOnlyList<string> scopes, string? codeChallenge, CancellationToken cancellationToken)
    {
        var code = Secrets.New();
        var now = time.GetUtcNow();
        await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            """
            DELETE FROM oauth_codes WHERE expires_at < @now;
            INSERT INTO oauth_codes (code_hash, app_id, account_id, redirect_uri, scopes, code_challenge, code_challenge_method, expires_at)
            VALUES (@hash, @appId, @accountId, @redirectUri, @scopes, @codeChallenge, @method, @expires);
            """,
            new
            {
                now = now.ToUnixTimeMilliseconds(), hash = Secrets.Hash(code), appId, accountId, redirectUri, scopes = string.Join(' ', scopes),
                codeChallenge, method = codeChallenge is null ? null : "S256", expires = (now + Lifetime).ToUnixTimeMilliseconds(),
            },
            transaction, cancellationToken: cancellationToken)), cancellationToken);
        return code;
    }

    private sealed class CodeRow
    {
        public long AccountId { get; init; }
        public string RedirectUri { get; init; } = "";
        public string Scopes { get; init; } = "";
        public string? CodeChallenge { get; init; }
        public long ExpiresAt { get; init; }
    }

    /// <summary>Redeems a code once; null when it is unknown, used, expired, or does not match the request.</summary>
    public Task<CodeGrant?> RedeemAsync(long appId, string? code, string? redirectUri, string? codeVerifier, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(code) || code.Length > 256)
            return Task.FromResult<CodeGrant?>(null);
        return db.WriteAsync(async (connection, transaction) =>
        {
            // Deleted as it is read: a code is spent even by a failed attempt, so it cannot be tried twice.
            var row = await connection.QuerySingleOrDefaultAsync<CodeRow>(connection.Command(
                """
                DELETE FROM oauth_codes WHERE code_hash = @hash AND app_id = @appId
                RETURNING account_id, redirect_uri, scopes, code_challenge, expires_at
                """,
                new { hash = Secrets.Hash(code), appId }, transaction, cancellationToken: cancellationToken));
            if (row is null || row.ExpiresAt < time.GetUtcNow().ToUnixTimeMilliseconds() || row.RedirectUri != redirectUri)
                return null;
            if (row.CodeChallenge is not null && !VerifierMatches(codeVerifier, row.CodeChallenge))
                return null;
            return new CodeGrant(row.AccountId, row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        }, cancellationToken);
    }

    /// <summary>RFC 7636: BASE64URL(SHA256(code_verifier)) == code_challenge.</summary>
    public static bool VerifierMatches(string? verifier, string challenge)
    {
        if (verifier is null || verifier.Length is < 43 or > 128)
            return false;
        var computed = Secrets.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(computed), Encoding.ASCII.GetBytes(challenge));
    }
}
