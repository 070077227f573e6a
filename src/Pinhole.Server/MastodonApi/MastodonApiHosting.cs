using Microsoft.AspNetCore.Authentication;

namespace Pinhole.Server.MastodonApi;

public static class MastodonApiHosting
{
    /// <summary>Bearer tokens as the default way in; the API's route group adds scope checks (see <see cref="ApiAuth"/>).</summary>
    public static WebApplicationBuilder AddMastodonApi(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(TokenAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthentication>(TokenAuthentication.SchemeName, null);
        builder.Services.AddAuthorization();
        return builder;
    }

    /// <summary>The <c>/api</c> route group: every endpoint in it authenticates by token and honours its scope metadata.</summary>
    public static RouteGroupBuilder MapMastodonApi(this IEndpointRouteBuilder app) => app.MapGroup("/api").UseApiAuth();
}
