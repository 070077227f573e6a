using Dapper;
using Microsoft.AspNetCore.Identity;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;

namespace Pinhole.Server.Features.OAuth;

public sealed record SignedIn(long AccountId, bool Approved);

/// <summary>Checks a username (or e-mail) and password, taking as long for an unknown login as for a wrong password.</summary>
public sealed class Passwords(Db db, IPasswordHasher<UserCredentials> hasher)
{
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<UserCredentials>().HashPassword(new UserCredentials(0), "decoy-password"));

    private sealed class UserRow
    {
        public long AccountId { get; init; }
        public string PasswordHash { get; init; } = "";
        public bool Approved { get; init; }
    }

    public async Task<SignedIn?> VerifyAsync(string? login, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(login) || string.IsNullOrEmpty(password) || login.Length > 254 || password.Length > Registration.MaxPasswordLength)
            return null;
        var key = login.Trim().TrimStart('@').ToLowerInvariant();
        await using var connection = await db.OpenAsync(cancellationToken);
        var user = await connection.QuerySingleOrDefaultAsync<UserRow>(connection.Command(
            """
            SELECT u.account_id, u.password_hash, u.approved FROM users u JOIN accounts a ON a.id = u.account_id
            WHERE a.username_key = @key OR u.email_key = @key
            """, new { key }, cancellationToken: cancellationToken));
        var result = hasher.VerifyHashedPassword(new UserCredentials(user?.AccountId ?? 0), user?.PasswordHash ?? DecoyHash.Value, password);
        return user is not null && result != PasswordVerificationResult.Failed ? new SignedIn(user.AccountId, user.Approved) : null;
    }
}
