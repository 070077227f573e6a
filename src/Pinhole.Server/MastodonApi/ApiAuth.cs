using Microsoft.AspNetCore.Authentication;

namespace Pinhole.Server.MastodonApi;

/// <summary>
/// What an endpoint asks of the caller's token: any one of <see cref="AnyOf"/> (none: any valid token). An
/// <see cref="Optional"/> requirement lets anonymous callers in but holds a caller who sends a token to it, as
/// Mastodon's public endpoints do.
/// </summary>
public sealed record ScopeRequirement(IReadOnlyList<string> AnyOf, bool AllowAppToken, bool Optional = false);

/// <summary>
/// Enforces tokens and scopes on the API, with Mastodon's answers: a token that is present but invalid is a 401
/// on every endpoint, a missing scope a 403, an app-only token where a user is needed a 422, and an account
/// still awaiting approval a 403.
/// </summary>
public static class ApiAuth
{
    /// <summary>The endpoint needs a signed-in user whose token holds one of <paramref name="anyOf"/> (or a scope granting it).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, params string[] anyOf) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ScopeRequirement(anyOf, AllowAppToken: false));

    /// <summary>The endpoint accepts an app-only token (client_credentials) as well as a user's; no scopes: any valid token.</summary>
    public static TBuilder RequireAppScope<TBuilder>(this TBuilder builder, params string[] anyOf) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ScopeRequirement(anyOf, AllowAppToken: true));

    /// <summary>Open to everyone; a caller who sends a token must hold one of <paramref name="anyOf"/>.</summary>
    public static TBuilder AllowAnonymous<TBuilder>(this TBuilder builder, params string[] anyOf) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new ScopeRequirement(anyOf, AllowAppToken: true, Optional: true));

    /// <summary>Applied once to the API's route group; reads each endpoint's <see cref="ScopeRequirement"/>.</summary>
    public static TBuilder UseApiAuth<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var result = await http.AuthenticateAsync(TokenAuthentication.SchemeName);
            if (result.Failure is not null)
                throw ApiException.Unauthorized();
            if (result.Succeeded)
                http.User = result.Principal;

            if (http.GetEndpoint()?.Metadata.GetMetadata<ScopeRequirement>() is { } requirement)
            {
                var caller = Caller.From(http.User);
                if (caller.AppId is null)
                {
                    if (requirement.Optional)
                        return await next(context);
                    throw ApiException.Unauthorized();
                }
                if (requirement.AnyOf.Count > 0 && !requirement.AnyOf.Any(scope => Scopes.Allows(caller.Scopes, scope)))
                    throw ApiException.Forbidden("This action is outside the authorized scopes");
                if (!requirement.AllowAppToken && caller.AccountId is null)
                    throw ApiException.Unprocessable("This method requires an authenticated user");
            }
            if (result.Principal?.HasClaim(TokenAuthentication.PendingClaim, "true") == true)
                throw ApiException.Forbidden("Your login is currently pending approval");
            return await next(context);
        });
}
