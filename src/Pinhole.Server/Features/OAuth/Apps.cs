using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.OAuth;

/// <summary>An <c>apps</c> row: a registered OAuth client.</summary>
public sealed class AppRow
{
    public const string Columns = "id, name, website, redirect_uris, scopes, client_id, client_secret_hash";

    public long Id { get; init; }
    public string Name { get; init; } = "";
    public string? Website { get; init; }
    public string RedirectUris { get; init; } = "";
    public string Scopes { get; init; } = "";
    public string ClientId { get; init; } = "";
    public string ClientSecretHash { get; init; } = "";

    public IReadOnlyList<string> RedirectUriList => RedirectUris.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public Application ToEntity(string? clientSecret = null) => new()
    {
        Id = Id.ToString(CultureInfo.InvariantCulture),
        Name = Name,
        Website = Website,
        Scopes = ScopeList,
        RedirectUri = RedirectUris,
        RedirectUris = RedirectUriList,
        ClientId = ClientId,
        ClientSecret = clientSecret,
        ClientSecretExpiresAt = clientSecret is null ? null : 0,
    };
}

/// <summary>Registers OAuth clients (Mastodon's POST /api/v1/apps) and finds them again by their credentials.</summary>
public sealed class Apps(Db db, Snowflake ids, TimeProvider time)
{
    public const string OutOfBand = "urn:ietf:wg:oauth:2.0:oob";

    public async Task<Application> CreateAsync(string? name, IReadOnlyList<string> redirectUris, string? scopes, string? website, CancellationToken cancellationToken)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(name))
            errors.Add("Name can't be blank");
        else if (name.Length > 60)
            errors.Add("Name is too long (maximum is 60 characters)");
        if (redirectUris.Count == 0)
            errors.Add("Redirect URI can't be blank");
        else if (redirectUris.Any(u => !IsValidRedirect(u)))
            errors.Add("Redirect URI must be an absolute URI");
        var scopeList = Scopes.Parse(scopes);
        if (!Scopes.AreKnown(scopeList))
            errors.Add("Scopes are invalid");
        if (website is { Length: > 0 } && (website.Length > 2000 || !Uri.TryCreate(website, UriKind.Absolute, out _)))
            errors.Add("Website is not a URL");
        if (errors.Count > 0)
            throw ApiException.Unprocessable("Validation failed: " + string.Join(", ", errors));

        var secret = Secrets.New();
        var row = new AppRow
        {
            Id = ids.NextId(),
            Name = name!.Trim(),
            Website = string.IsNullOrWhiteSpace(website) ? null : website,
            RedirectUris = string.Join('\n', redirectUris),
            Scopes = string.Join(' ', scopeList),
            ClientId = Secrets.New(),
            ClientSecretHash = Secrets.Hash(secret),
        };
        await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO apps (id, name, website, redirect_uris, scopes, client_id, client_secret_hash, created_at)
            VALUES (@Id, @Name, @Website, @RedirectUris, @Scopes, @ClientId, @ClientSecretHash, @now)
            """,
            new { row.Id, row.Name, row.Website, row.RedirectUris, row.Scopes, row.ClientId, row.ClientSecretHash, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken)), cancellationToken);
        return row.ToEntity(secret);
    }

    public async Task<AppRow?> FindAsync(string? clientId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(clientId) || clientId.Length > 128)
            return null;
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AppRow>(connection.Command(
            $"SELECT {AppRow.Columns} FROM apps WHERE client_id = @clientId", new { clientId }, cancellationToken: cancellationToken));
    }

    /// <summary>The app, only when the secret matches; compared in constant time.</summary>
    public async Task<AppRow?> AuthenticateAsync(string? clientId, string? clientSecret, CancellationToken cancellationToken)
    {
        var app = await FindAsync(clientId, cancellationToken);
        return app is not null && clientSecret is { Length: > 0 and <= 256 } && Secrets.HashEquals(clientSecret, app.ClientSecretHash) ? app : null;
    }

    public async Task<AppRow?> FindByIdAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<AppRow>(connection.Command(
            $"SELECT {AppRow.Columns} FROM apps WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }

    // Native apps use custom schemes (myapp://callback); only fragments, and javascript: or data: schemes, are refused.
    private static bool IsValidRedirect(string uri) =>
        uri == OutOfBand ||
        (uri.Length <= 2000 && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && parsed.Fragment.Length == 0 &&
         parsed.Scheme is not ("javascript" or "data" or "vbscript" or "file"));
}
