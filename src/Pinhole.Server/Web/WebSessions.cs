using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Pinhole.Data;
using Pinhole.Server.Features.OAuth;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Web;

/// <summary>
/// A browser's session is an access token of the built-in web app, as in Mastodon's own web interface: issued at
/// sign-in, revoked at sign-out, and kept inside the encrypted, HttpOnly session cookie. Pages hand it, masked, to
/// their scripts (which call the Mastodon API with it), so the pages' JavaScript goes through the same API, scopes
/// and rate limits as any app. Every page checks the token is still live, so revoking it (signing out, or from
/// another device) ends the session everywhere at once.
/// </summary>
public sealed class WebSessions(Db db, TokenIssuer tokens, Snowflake ids, TimeProvider time, PublicUrl urls)
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string DataSaverCookie = "pinhole_data_saver";

    /// <summary>The built-in web app's client id: an app without a secret or redirect address, so no OAuth flow can use it.</summary>
    public const string WebClientId = "pinhole-web";

    public static readonly IReadOnlyList<string> WebScopes = [Scopes.Read, Scopes.Write, Scopes.Follow, Scopes.Push];

    private const string TokenClaim = "pinhole:web_token";
    private const string ContextItem = "pinhole:web_context";

    private long _webAppId;

    private sealed class SessionRow
    {
        public long AccountId { get; init; }
        public string Username { get; init; } = "";
        public string? AvatarKey { get; init; }
    }

    /// <summary>The built-in web app's id, creating its row on first use (any node may; the client id keeps it one).</summary>
    public async Task<long> WebAppIdAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _webAppId) is var known and not 0)
            return known;
        var id = await db.WriteAsync(async (connection, transaction) =>
        {
            await connection.ExecuteAsync(connection.Command(
                """
                INSERT INTO apps (id, name, website, redirect_uris, scopes, client_id, client_secret_hash, created_at)
                VALUES (@id, 'Pinhole web', NULL, '', @scopes, @clientId, '', @now)
                ON CONFLICT (client_id) DO NOTHING
                """,
                new { id = ids.NextId(), scopes = string.Join(' ', WebScopes), clientId = WebClientId, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
                transaction, cancellationToken));
            return await connection.QuerySingleAsync<long>(connection.Command(
                "SELECT id FROM apps WHERE client_id = @clientId", new { clientId = WebClientId }, transaction, cancellationToken));
        }, cancellationToken);
        Volatile.Write(ref _webAppId, id);
        return id;
    }

    /// <summary>Issues a web token for the account and starts the browser's session with it.</summary>
    public async Task SignInAsync(HttpContext http, long accountId, CancellationToken cancellationToken)
    {
        var appId = await WebAppIdAsync(cancellationToken);
        var token = await db.WriteAsync((connection, transaction) =>
            tokens.IssueAsync(connection, transaction, appId, accountId, WebScopes, cancellationToken), cancellationToken);
        await StartAsync(http, accountId, token.AccessToken);
    }

    /// <summary>Starts the session with a token already issued to the web app (at registration).</summary>
    public Task StartAsync(HttpContext http, long accountId, string token)
    {
        var identity = new ClaimsIdentity(
            [new Claim(Caller.AccountClaim, accountId.ToString(CultureInfo.InvariantCulture)), new Claim(TokenClaim, token)], Scheme);
        http.Items.Remove(ContextItem);
        return http.SignInAsync(Scheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
    }

    /// <summary>Revokes the session's token and ends the session.</summary>
    public async Task SignOutAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var session = await http.AuthenticateAsync(Scheme);
        if (session.Principal?.FindFirst(TokenClaim)?.Value is { } token)
        {
            await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
                "UPDATE access_tokens SET revoked_at = @now WHERE token_hash = @hash AND revoked_at IS NULL",
                new { now = time.GetUtcNow().ToUnixTimeMilliseconds(), hash = Secrets.Hash(token) }, transaction, cancellationToken)), cancellationToken);
        }
        await http.SignOutAsync(Scheme);
        http.Items.Remove(ContextItem);
    }

    /// <summary>Who is using the page and how they read: once per request, with one query when signed in.</summary>
    public async Task<WebContext> LoadAsync(HttpContext http)
    {
        if (http.Items[ContextItem] is WebContext loaded)
            return loaded;
        var viewer = await ViewerAsync(http);
        var context = new WebContext(viewer, DataSaver(http.Request), time.GetUtcNow());
        http.Items[ContextItem] = context;
        return context;
    }

    /// <summary>The context a page was rendered with, for components further down (null outside the web pages).</summary>
    public static WebContext? Current(HttpContext? http) => http?.Items[ContextItem] as WebContext;

    private async Task<WebViewer?> ViewerAsync(HttpContext http)
    {
        var session = await http.AuthenticateAsync(Scheme);
        if (!session.Succeeded)
            return null;
        var token = session.Principal.FindFirst(TokenClaim)?.Value;
        var claimed = session.Principal.FindFirst(Caller.AccountClaim)?.Value;
        if (token is null || claimed is null)
        {
            // A session from before web tokens, or a damaged one: start again.
            await http.SignOutAsync(Scheme);
            return null;
        }
        await using var connection = await db.OpenAsync(http.RequestAborted);
        var row = await connection.QuerySingleOrDefaultAsync<SessionRow>(connection.Command(
            """
            SELECT t.account_id, a.username, a.avatar_key FROM access_tokens t
            JOIN accounts a ON a.id = t.account_id JOIN users u ON u.account_id = a.id
            WHERE t.token_hash = @hash AND t.revoked_at IS NULL AND u.approved = TRUE
            """, new { hash = Secrets.Hash(token) }, cancellationToken: http.RequestAborted));
        if (row is null || row.AccountId.ToString(CultureInfo.InvariantCulture) != claimed)
        {
            await http.SignOutAsync(Scheme);
            return null;
        }
        var avatar = row.AvatarKey is null ? urls.Asset("images/avatar.png") : urls.Media(row.AvatarKey);
        return new WebViewer(row.AccountId, row.Username, avatar, Mask(token));
    }

    /// <summary>
    /// The data saver is per browser (the phone on 3G, not the desktop at home): a cookie set in settings, else the
    /// browser's own Save-Data hint.
    /// </summary>
    public static bool DataSaver(HttpRequest request) => request.Cookies[DataSaverCookie] switch
    {
        "on" => true,
        "off" => false,
        _ => string.Equals(request.Headers["Save-Data"].ToString(), "on", StringComparison.OrdinalIgnoreCase),
    };

    /// <summary>
    /// The token XORed with fresh random bytes, sent with those bytes ("mask.masked", base64url): the page's bytes
    /// differ on every response, so a compressed page cannot leak the token to someone who can inject text into
    /// it and watch its size (BREACH). The script undoes the XOR.
    /// </summary>
    public static string Mask(string token)
    {
        var plain = Encoding.ASCII.GetBytes(token);
        var mask = RandomNumberGenerator.GetBytes(plain.Length);
        var masked = new byte[plain.Length];
        for (var i = 0; i < plain.Length; i++)
            masked[i] = (byte)(plain[i] ^ mask[i]);
        return $"{Secrets.Base64Url(mask)}.{Secrets.Base64Url(masked)}";
    }
}

/// <summary>The signed-in person a page is rendered for, with their masked web token for the page's scripts.</summary>
public sealed record WebViewer(long Id, string Username, string Avatar, string MaskedToken);

/// <summary>What every page needs to know about who reads it and how: bound into page handlers, read by components.</summary>
public sealed record WebContext(WebViewer? Viewer, bool DataSaver, DateTimeOffset Now)
{
    /// <summary>The viewer as the SQL visibility rules take it: 0 for nobody signed in.</summary>
    public long ViewerId => Viewer?.Id ?? 0;

    public bool SignedIn => Viewer is not null;

    /// <summary>The viewer as the API's handlers and services take it.</summary>
    public Caller Caller => Viewer is { } viewer ? new Caller(viewer.Id, null, null, new HashSet<string>()) : Caller.Anonymous;

    public static async ValueTask<WebContext> BindAsync(HttpContext http) =>
        await http.RequestServices.GetRequiredService<WebSessions>().LoadAsync(http);
}
