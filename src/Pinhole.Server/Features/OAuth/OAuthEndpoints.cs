using System.Text;
using Dapper;
using Microsoft.AspNetCore.Identity;
using Pinhole.Server.Features.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.OAuth;

/// <summary>The OAuth 2 token endpoints and metadata; the sign-in and consent pages are in <see cref="AuthorizePages"/>.</summary>
public static class OAuthEndpoints
{
    public static IServiceCollection AddOAuth(this IServiceCollection services) => services
        .AddSingleton<Apps>()
        .AddSingleton<TokenIssuer>()
        .AddSingleton<AuthorizationCodes>()
        .AddSingleton<Passwords>()
        .AddSingleton<IPasswordHasher<UserCredentials>, PasswordHasher<UserCredentials>>();

    public static IEndpointRouteBuilder MapOAuth(this IEndpointRouteBuilder app)
    {
        var oauth = app.MapGroup("/oauth");
        oauth.MapPost("/token", IssueToken);
        oauth.MapPost("/revoke", Revoke);
        app.MapGet("/.well-known/oauth-authorization-server", Metadata);
        return app;
    }

    private static ApiException OAuthError(int status, string error, string description) => new(status, error, description);

    private static async Task<Ok<Token>> IssueToken(HttpContext http, Apps apps, AuthorizationCodes codes, Passwords passwords, TokenIssuer tokens, Db db, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var (clientId, clientSecret) = ClientCredentials(http.Request, form);
        var app = await apps.AuthenticateAsync(clientId, clientSecret, cancellationToken)
            ?? throw OAuthError(StatusCodes.Status401Unauthorized, "invalid_client",
                "Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.");

        long? accountId;
        IReadOnlyList<string> scopes;
        switch (form.Text("grant_type"))
        {
            case "authorization_code":
                var grant = await codes.RedeemAsync(app.Id, form.Text("code"), form.Text("redirect_uri"), form.Text("code_verifier"), cancellationToken)
                    ?? throw InvalidGrant();
                (accountId, scopes) = (grant.AccountId, grant.Scopes);
                break;
            case "client_credentials":
                (accountId, scopes) = (null, RequestedScopes(form, app));
                break;
            case "password":
                var user = await passwords.VerifyAsync(form.Text("username"), form.Text("password"), cancellationToken) ?? throw InvalidGrant();
                (accountId, scopes) = (user.AccountId, RequestedScopes(form, app));
                break;
            case null or "":
                throw OAuthError(StatusCodes.Status400BadRequest, "invalid_request", "The request is missing a required parameter: grant_type.");
            default:
                throw OAuthError(StatusCodes.Status400BadRequest, "unsupported_grant_type", "The authorization grant type is not supported by the authorization server.");
        }
        var token = await db.WriteAsync((connection, transaction) => tokens.IssueAsync(connection, transaction, app.Id, accountId, scopes, cancellationToken), cancellationToken);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(token);
    }

    /// <summary>RFC 7009: revoking an unknown token succeeds quietly; another client's token is refused.</summary>
    private static async Task<Ok<EmptyObject>> Revoke(HttpContext http, Apps apps, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var (clientId, clientSecret) = ClientCredentials(http.Request, form);
        var app = await apps.AuthenticateAsync(clientId, clientSecret, cancellationToken)
            ?? throw OAuthError(StatusCodes.Status403Forbidden, "unauthorized_client", "You are not authorized to revoke this token");
        var token = form.Text("token");
        if (!string.IsNullOrEmpty(token) && token.Length <= 256)
        {
            var owner = await db.WriteAsync(async (connection, transaction) =>
            {
                var appId = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                    "SELECT app_id FROM access_tokens WHERE token_hash = @hash", new { hash = Secrets.Hash(token) }, transaction, cancellationToken: cancellationToken));
                if (appId == app.Id)
                {
                    await connection.ExecuteAsync(connection.Command(
                        "UPDATE access_tokens SET revoked_at = @now WHERE token_hash = @hash AND revoked_at IS NULL",
                        new { hash = Secrets.Hash(token), now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken: cancellationToken));
                }
                return appId;
            }, cancellationToken);
            if (owner is not null && owner != app.Id)
                throw OAuthError(StatusCodes.Status403Forbidden, "unauthorized_client", "You are not authorized to revoke this token");
        }
        return TypedResults.Ok(new EmptyObject());
    }

    private static Ok<AuthorizationServerMetadata> Metadata(PublicUrl urls)
    {
        var root = urls.Base;
        return TypedResults.Ok(new AuthorizationServerMetadata(
            Issuer: root + "/",
            ServiceDocumentation: "https://docs.joinmastodon.org/",
            AuthorizationEndpoint: root + "/oauth/authorize",
            TokenEndpoint: root + "/oauth/token",
            AppRegistrationEndpoint: root + "/api/v1/apps",
            RevocationEndpoint: root + "/oauth/revoke",
            ScopesSupported: Scopes.Supported,
            ResponseTypesSupported: ["code"],
            ResponseModesSupported: ["query"],
            CodeChallengeMethodsSupported: ["S256"],
            GrantTypesSupported: ["authorization_code", "client_credentials", "password"],
            TokenEndpointAuthMethodsSupported: ["client_secret_basic", "client_secret_post"]));
    }

    private static ApiException InvalidGrant() => OAuthError(StatusCodes.Status400BadRequest, "invalid_grant",
        "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.");

    private static string[] RequestedScopes(RequestParams form, AppRow app)
    {
        var requested = Scopes.Parse(form.Text("scope"));
        if (!Scopes.AreKnown(requested) || !Scopes.AreSubsetOf(requested, app.ScopeList))
            throw OAuthError(StatusCodes.Status400BadRequest, "invalid_scope", "The requested scope is invalid, unknown, or malformed.");
        return requested;
    }

    /// <summary>client_secret_post (form fields) or client_secret_basic (HTTP Basic), as RFC 6749 allows.</summary>
    private static (string? Id, string? Secret) ClientCredentials(HttpRequest request, RequestParams form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                    return (Uri.UnescapeDataString(decoded[..colon]), Uri.UnescapeDataString(decoded[(colon + 1)..]));
            }
            catch (FormatException)
            {
                return (null, null);
            }
        }
        return (form.Text("client_id"), form.Text("client_secret"));
    }
}
