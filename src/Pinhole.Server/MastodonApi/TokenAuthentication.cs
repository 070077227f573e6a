using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Pinhole.Data;

using Pinhole.Server.Features.OAuth;

namespace Pinhole.Server.MastodonApi;

/// <summary>
/// Bearer tokens, as Mastodon clients send them: the <c>Authorization: Bearer</c> header, an <c>access_token</c>
/// query parameter, or (for the streaming WebSocket) the <c>Sec-WebSocket-Protocol</c> header. Only a token's SHA-256 is stored, so a leaked database holds no usable token.
/// </summary>
public sealed class TokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, Db db)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";
    public const string PendingClaim = "pinhole:pending";

    private sealed class TokenRow
    {
        public long Id { get; init; }
        public long AppId { get; init; }
        public long? AccountId { get; init; }
        public string Scopes { get; init; } = "";
        public bool? Approved { get; init; }
    }

    public static string? ReadToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return header["Bearer ".Length..].Trim();
        var query = request.Query["access_token"].ToString();
        if (query.Length > 0)
            return query;
        // Browsers cannot set headers on a WebSocket; Mastodon's clients pass the token as the subprotocol.
        var protocol = request.Headers.SecWebSocketProtocol.ToString();
        return protocol.Length > 0 && request.Headers.Upgrade.ToString().Equals("websocket", StringComparison.OrdinalIgnoreCase) ? protocol.Split(',')[0].Trim() : null;
    }

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadToken(Request);
        if (token is null)
            return AuthenticateResult.NoResult();
        if (token.Length is 0 or > 256)
            return AuthenticateResult.Fail("The access token is invalid");

        await using var connection = await db.OpenAsync(Context.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<TokenRow>(connection.Command(
            """
            SELECT t.id, t.app_id, t.account_id, t.scopes, u.approved
            FROM access_tokens t LEFT JOIN users u ON u.account_id = t.account_id
            WHERE t.token_hash = @hash AND t.revoked_at IS NULL
            """,
            new { hash = Secrets.Hash(token) }, cancellationToken: Context.RequestAborted));
        if (row is null)
            return AuthenticateResult.Fail("The access token is invalid");

        var claims = new List<Claim>
        {
            new(Caller.AppClaim, row.AppId.ToString(CultureInfo.InvariantCulture)),
            new(Caller.TokenClaim, row.Id.ToString(CultureInfo.InvariantCulture)),
        };
        if (row.AccountId is { } account)
            claims.Add(new Claim(Caller.AccountClaim, account.ToString(CultureInfo.InvariantCulture)));
        if (row.Approved == false)
            claims.Add(new Claim(PendingClaim, "true"));
        claims.AddRange(row.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(s => new Claim(Caller.ScopeClaim, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
