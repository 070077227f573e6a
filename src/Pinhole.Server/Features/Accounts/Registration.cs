using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Features.OAuth;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Accounts;

/// <summary>A person's sign-in credentials; the type argument for ASP.NET Core's <see cref="PasswordHasher{TUser}"/>.</summary>
public sealed record UserCredentials(long AccountId);

public sealed record RegistrationRequest(string? Username, string? Email, string? Password, bool Agreement, string? Locale, string? Reason);

/// <summary>Creates accounts, open, behind approval or not at all as the operator chose; passwords hashed with PasswordHasher.</summary>
public sealed partial class Registration(Db db, Snowflake ids, TimeProvider time, TokenIssuer tokens, IOptions<PinholeOptions> options, IPasswordHasher<UserCredentials> hasher)
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 128;

    [GeneratedRegex("^[a-zA-Z0-9_]{1,30}$")]
    private static partial Regex UsernamePattern();

    /// <summary>Letters, digits and underscores, at most 30: people's and organisations' usernames alike.</summary>
    public static bool IsValidUsername(string username) => UsernamePattern().IsMatch(username);

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();

    /// <summary>Registers an account and signs it in for the app of <paramref name="appId"/>, with <paramref name="scopes"/>.</summary>
    public async Task<Token> RegisterAsync(RegistrationRequest request, long appId, IReadOnlyList<string> scopes, CancellationToken cancellationToken)
    {
        var mode = options.Value.Registrations;
        if (mode == RegistrationMode.Closed)
            throw ApiException.Forbidden("Registrations are closed on this server");
        var (username, email, password) = Validate(request, mode);

        var accountId = ids.NextId();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var passwordHash = hasher.HashPassword(new UserCredentials(accountId), password);
        return await db.WriteAsync(async (connection, transaction) =>
        {
            await EnsureAvailableAsync(connection, transaction, username, email, cancellationToken);
            await connection.ExecuteAsync(connection.Command(
                """
                INSERT INTO accounts (id, username, username_key, created_at, updated_at) VALUES (@accountId, @username, @usernameKey, @now, @now);
                INSERT INTO users (account_id, email, email_key, password_hash, locale, approved, registration_reason, created_at)
                VALUES (@accountId, @email, @emailKey, @passwordHash, @locale, @approved, @reason, @now);
                """,
                new
                {
                    accountId, username, usernameKey = username.ToLowerInvariant(), now, email, emailKey = email.ToLowerInvariant(),
                    passwordHash, locale = request.Locale, approved = mode == RegistrationMode.Open, reason = request.Reason,
                },
                transaction, cancellationToken: cancellationToken));
            return await tokens.IssueAsync(connection, transaction, appId, accountId, scopes, cancellationToken);
        }, cancellationToken);
    }

    private static (string Username, string Email, string Password) Validate(RegistrationRequest request, RegistrationMode mode)
    {
        var errors = new List<string>();
        var username = request.Username?.Trim() ?? "";
        var email = request.Email?.Trim() ?? "";
        var password = request.Password ?? "";
        if (username.Length == 0)
            errors.Add("Username can't be blank");
        else if (!UsernamePattern().IsMatch(username))
            errors.Add("Username must contain only letters, numbers and underscores, at most 30 characters");
        if (email.Length == 0)
            errors.Add("Email can't be blank");
        else if (email.Length > 254 || !EmailPattern().IsMatch(email))
            errors.Add("Email is invalid");
        if (password.Length < MinPasswordLength)
            errors.Add($"Password is too short (minimum is {MinPasswordLength} characters)");
        else if (password.Length > MaxPasswordLength)
            errors.Add($"Password is too long (maximum is {MaxPasswordLength} characters)");
        if (!request.Agreement)
            errors.Add("Agreement must be accepted");
        if (mode == RegistrationMode.Approval && string.IsNullOrWhiteSpace(request.Reason))
            errors.Add("Reason can't be blank");
        if (request.Reason?.Length > 1000)
            errors.Add("Reason is too long (maximum is 1000 characters)");
        if (errors.Count > 0)
            throw ApiException.Unprocessable("Validation failed: " + string.Join(", ", errors));
        return (username, email, password);
    }

    private static async Task EnsureAvailableAsync(DbConnection connection, DbTransaction transaction, string username, string email, CancellationToken cancellationToken)
    {
        var taken = await connection.QueryAsync<string>(connection.Command(
            """
            SELECT 'Username has already been taken' FROM accounts WHERE username_key = @username
            UNION ALL
            SELECT 'Email has already been taken' FROM users WHERE email_key = @email
            """,
            new { username = username.ToLowerInvariant(), email = email.ToLowerInvariant() }, transaction, cancellationToken: cancellationToken));
        var errors = taken.ToList();
        if (errors.Count > 0)
            throw ApiException.Unprocessable("Validation failed: " + string.Join(", ", errors));
    }
}
