using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pinhole.Data;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.Web;
using Pinhole.Server.Web.Pages;

namespace Pinhole.Server.Features.OAuth;

// Forms bind by property, so a field the browser leaves out (an empty hidden input) is simply null.
public sealed record SignInForm
{
    public string? Login { get; init; }
    public string? Password { get; init; }
    public string? ReturnUrl { get; init; }
}

public sealed record SignOutForm
{
    public string? ReturnUrl { get; init; }
}

public sealed record ConsentForm
{
    public string? ClientId { get; init; }
    public string? RedirectUri { get; init; }
    public string? Scope { get; init; }
    public string? State { get; init; }
    public string? CodeChallenge { get; init; }
    public string? CodeChallengeMethod { get; init; }
    public string? Decision { get; init; }
}

/// <summary>
/// The browser half of OAuth: a sign-in page (a cookie session, the same one the web app uses) and Mastodon's
/// authorize-and-consent page, which hands the app an authorization code (PKCE S256 supported).
/// </summary>
public static class AuthorizePages
{
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;

    public static IEndpointRouteBuilder MapAuthorizePages(this IEndpointRouteBuilder app)
    {
        app.MapGet("/auth/sign_in", IResult (string? return_url) => SignInPage(return_url, null, null, StatusCodes.Status200OK));
        app.MapPost("/auth/sign_in", SignIn);
        app.MapPost("/auth/sign_out", SignOut);
        app.MapGet("/oauth/authorize", Authorize);
        app.MapPost("/oauth/authorize", Decide);
        return app;
    }

    private static RazorComponentResult<SignInPage> SignInPage(string? returnUrl, string? login, string? message, int status) =>
        new(new { ReturnUrl = returnUrl, Login = login, Message = message }) { StatusCode = status };

    // The session is a token of the web app (see WebSessions): issued here, revoked at sign-out.
    private static async Task<IResult> SignIn([FromForm] SignInForm form, HttpContext http, Passwords passwords, WebSessions sessions, CancellationToken cancellationToken)
    {
        var user = await passwords.VerifyAsync(form.Login, form.Password, cancellationToken);
        if (user is null)
            return SignInPage(form.ReturnUrl, form.Login, "That username or password is not right.", StatusCodes.Status401Unauthorized);
        if (!user.Approved)
            return SignInPage(form.ReturnUrl, form.Login, "Your account is waiting for approval by this server's team.", StatusCodes.Status403Forbidden);

        await sessions.SignInAsync(http, user.AccountId, cancellationToken);
        return TypedResults.LocalRedirect(WebRoutes.LocalOnly(form.ReturnUrl));
    }

    private static async Task<IResult> SignOut([FromForm] SignOutForm form, HttpContext http, WebSessions sessions, CancellationToken cancellationToken)
    {
        await sessions.SignOutAsync(http, cancellationToken);
        return TypedResults.LocalRedirect("/auth/sign_in?return_url=" + Uri.EscapeDataString(WebRoutes.LocalOnly(form.ReturnUrl)));
    }

    private static async Task<IResult> Authorize(HttpContext http, Apps apps, Db db, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var request = await ValidateAsync(apps, query["client_id"], query["redirect_uri"], query["scope"], query["code_challenge"], query["code_challenge_method"], cancellationToken);
        if (request.Error is not null)
            return request.Error;
        if (query["response_type"] != "code")
            return ErrorRedirect(request.RedirectUri!, "unsupported_response_type", query["state"]);

        var accountId = await SignedInAccountAsync(http);
        var returnUrl = http.Request.PathBase + http.Request.Path + QueryString.Create(query.Where(q => q.Key != "force_login"));
        if (accountId is null || RequestParams.FromQuery(query).Bool("force_login") == true)
            return TypedResults.Redirect("/auth/sign_in?return_url=" + Uri.EscapeDataString(returnUrl));

        await using var connection = await db.OpenAsync(cancellationToken);
        var username = await connection.QuerySingleOrDefaultAsync<string>(connection.Command(
            "SELECT username FROM accounts WHERE id = @accountId", new { accountId }, cancellationToken: cancellationToken));
        if (username is null)
            return TypedResults.Redirect("/auth/sign_in?return_url=" + Uri.EscapeDataString(returnUrl));

        AllowFormTarget(http, request.RedirectUri!);
        return new RazorComponentResult<ConsentPage>(new
        {
            AppName = request.App!.Name,
            AppWebsite = request.App.Website,
            Username = username,
            Scopes = request.Scopes,
            ClientId = request.App.ClientId,
            RedirectUri = request.RedirectUri,
            State = query["state"].ToString(),
            CodeChallenge = query["code_challenge"].ToString(),
            CodeChallengeMethod = query["code_challenge_method"].ToString(),
            ReturnUrl = returnUrl,
        });
    }

    private static async Task<IResult> Decide([FromForm] ConsentForm form, HttpContext http, Apps apps, AuthorizationCodes codes, CancellationToken cancellationToken)
    {
        var request = await ValidateAsync(apps, form.ClientId, form.RedirectUri, form.Scope, form.CodeChallenge, form.CodeChallengeMethod, cancellationToken);
        if (request.Error is not null)
            return request.Error;
        if (await SignedInAccountAsync(http) is not { } accountId)
            return TypedResults.Redirect("/auth/sign_in");
        if (form.Decision != "approve")
            return ErrorRedirect(request.RedirectUri!, "access_denied", form.State);

        var challenge = string.IsNullOrEmpty(form.CodeChallenge) ? null : form.CodeChallenge;
        var code = await codes.IssueAsync(request.App!.Id, accountId, request.RedirectUri!, request.Scopes, challenge, cancellationToken);
        if (request.RedirectUri == Apps.OutOfBand)
            return new RazorComponentResult<AuthorizationCodePage>(new { Code = code });
        return TypedResults.Redirect(WithQuery(request.RedirectUri!, ("code", code), ("state", form.State)));
    }

    private sealed record AuthorizationRequest(AppRow? App, string? RedirectUri, IReadOnlyList<string> Scopes, IResult? Error);

    /// <summary>
    /// Checks the client and its redirect URI first: until both are known good, errors are shown here, never sent
    /// to the URI (which would make this page an open redirector). Later errors go back to the app, as OAuth says.
    /// </summary>
    private static async Task<AuthorizationRequest> ValidateAsync(Apps apps, string? clientId, string? redirectUri, string? scope, string? codeChallenge, string? codeChallengeMethod, CancellationToken cancellationToken)
    {
        var app = await apps.FindAsync(clientId, cancellationToken);
        if (app is null)
            return new(null, null, [], Message("Unknown app", "This app is not registered on this server.", StatusCodes.Status400BadRequest));
        if (string.IsNullOrEmpty(redirectUri) || !app.RedirectUriList.Contains(redirectUri))
            return new(app, null, [], Message("Wrong redirect address", "The redirect address does not match any this app registered.", StatusCodes.Status400BadRequest));
        var scopes = Scopes.Parse(scope);
        if (!Scopes.AreKnown(scopes) || !Scopes.AreSubsetOf(scopes, app.ScopeList))
            return new(app, redirectUri, scopes, ErrorRedirect(redirectUri, "invalid_scope", null));
        if (!string.IsNullOrEmpty(codeChallenge) && (codeChallengeMethod != "S256" || codeChallenge.Length is < 43 or > 128))
            return new(app, redirectUri, scopes, ErrorRedirect(redirectUri, "invalid_request", null));
        return new(app, redirectUri, scopes, null);
    }

    private static async Task<long?> SignedInAccountAsync(HttpContext http)
    {
        var session = await http.AuthenticateAsync(CookieScheme);
        return session.Succeeded && session.Principal.FindFirst(Caller.AccountClaim)?.Value is { } id
            ? long.Parse(id, CultureInfo.InvariantCulture)
            : null;
    }

    private static IResult ErrorRedirect(string redirectUri, string error, string? state) =>
        redirectUri == Apps.OutOfBand
            ? Message("Authorization failed", $"The app's request was refused: {error}.", StatusCodes.Status400BadRequest)
            : TypedResults.Redirect(WithQuery(redirectUri, ("error", error), ("state", state)));

    private static RazorComponentResult<MessagePage> Message(string title, string message, int status) =>
        new(new { Title = title, Message = message }) { StatusCode = status };

    private static string WithQuery(string uri, params (string Key, string? Value)[] pairs)
    {
        var extra = string.Join('&', pairs.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
        return uri + (uri.Contains('?', StringComparison.Ordinal) ? "&" : "?") + extra;
    }

    // Browsers apply the page's form-action policy to the redirect that follows a form post, so the consent page
    // must name the app's redirect target or its own Authorize button would be blocked.
    private static void AllowFormTarget(HttpContext http, string redirectUri)
    {
        if (redirectUri == Apps.OutOfBand || !Uri.TryCreate(redirectUri, UriKind.Absolute, out var target))
            return;
        var source = target.Scheme is "http" or "https" ? target.GetLeftPart(UriPartial.Authority) : target.Scheme + ":";
        http.Items[WebPages.FormActionItem] = source;
    }
}
