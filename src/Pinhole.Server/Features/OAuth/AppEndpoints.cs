using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.OAuth;

public static class AppEndpoints
{
    public static RouteGroupBuilder MapApps(this RouteGroupBuilder api)
    {
        api.MapPost("/v1/apps", Create);
        api.MapGet("/v1/apps/verify_credentials", VerifyCredentials).RequireAppScope();
        return api;
    }

    private static async Task<Ok<Application>> Create(HttpContext http, Apps apps, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        // redirect_uris: one string (several separated by newlines, as Mastodon allows) or an array.
        var redirectUris = form.List("redirect_uris")
            .SelectMany(u => u.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Distinct().ToList();
        return TypedResults.Ok(await apps.CreateAsync(form.Text("client_name"), redirectUris, form.Text("scopes"), form.Text("website"), cancellationToken));
    }

    private static async Task<Ok<Application>> VerifyCredentials(Caller caller, Apps apps, CancellationToken cancellationToken)
    {
        var app = await apps.FindByIdAsync(caller.AppId!.Value, cancellationToken) ?? throw ApiException.Unauthorized();
        return TypedResults.Ok(app.ToEntity() with { ClientId = null });
    }
}
