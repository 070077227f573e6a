using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Follows;
using Pinhole.Server.Features.Notifications;
using Pinhole.Server.Features.OAuth;
using Pinhole.Server.Features.Organizations;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.Web.Pages;

namespace Pinhole.Server.Web;

/// <summary>Signing up, one's settings (profile, picture, private account, data saver) and notifications.</summary>
public static class AccountPages
{
    public static RouteGroupBuilder MapAccountPages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/auth/sign_up", IResult (IOptions<PinholeOptions> options) => SignUpPage(options.Value, null, null, StatusCodes.Status200OK));
        pages.MapPost("/auth/sign_up", SignUp);
        pages.MapGet("/settings", Settings);
        // A new profile picture may be as large as any photo upload.
        var pictureLimit = ((IEndpointRouteBuilder)pages).ServiceProvider.GetRequiredService<IOptions<PinholeOptions>>().Value.Media.MaxImageBytes + 1024 * 1024;
        pages.MapPost("/settings", SaveSettings).WithMetadata(new BodySizeLimit(pictureLimit));
        pages.MapGet("/notifications", Notifications);
        pages.MapPost("/follow_requests/{id:long}/authorize", Authorize);
        pages.MapPost("/follow_requests/{id:long}/reject", Reject);
        return pages;
    }

    private static RazorComponentResult<SignUpPage> SignUpPage(PinholeOptions options, RequestParams? form, string? message, int status) =>
        new(new
        {
            Mode = options.Registrations,
            Username = form?.Text("username"),
            Email = form?.Text("email"),
            Reason = form?.Text("reason"),
            Message = message,
        }) { StatusCode = status };

    /// <summary>
    /// The API's own registration: the new account's token is issued to the web app and becomes the browser's
    /// session at once (behind approval, it waits with the account).
    /// </summary>
    private static async Task<IResult> SignUp(HttpContext http, Registration registration, WebSessions sessions, Db db, IOptions<PinholeOptions> options,
        CancellationToken cancellationToken)
    {
        var form = await WebForms.ReadAsync(http, cancellationToken);
        var request = new RegistrationRequest(form.Text("username"), form.Text("email"), form.Text("password"),
            form.Bool("agreement") == true, null, form.Text("reason"));
        MastodonApi.Entities.Token token;
        try
        {
            token = await registration.RegisterAsync(request, await sessions.WebAppIdAsync(cancellationToken), WebSessions.WebScopes, cancellationToken);
        }
        catch (ApiException refused)
        {
            return SignUpPage(options.Value, form, refused.Body.Error, refused.StatusCode);
        }
        if (options.Value.Registrations == RegistrationMode.Approval)
            return WebForms.Message(StatusCodes.Status200OK, "Thank you", "Your account waits for this server's team to approve it. You can sign in once they have.");
        await using var connection = await db.OpenAsync(cancellationToken);
        var accountId = await connection.QuerySingleAsync<long>(connection.Command(
            "SELECT account_id FROM access_tokens WHERE token_hash = @hash", new { hash = Secrets.Hash(token.AccessToken) }, cancellationToken: cancellationToken));
        await sessions.StartAsync(http, accountId, token.AccessToken);
        return TypedResults.LocalRedirect("/explore");
    }

    private static async Task<IResult> Settings(WebContext web, CredentialAccounts credentials, CancellationToken cancellationToken) =>
        SettingsPage(web, web.SignedIn ? await credentials.LoadAsync(web.ViewerId, cancellationToken) : null, null, StatusCodes.Status200OK);

    private static RazorComponentResult<SettingsPage> SettingsPage(WebContext web, MastodonApi.Entities.Account? account, string? message, int status) =>
        new(new { Account = account, web.DataSaver, Message = message }) { StatusCode = status };

    /// <summary>
    /// The profile through the API's own update_credentials (the same limits, the same picture processing); the
    /// data saver as a cookie, since it belongs to this browser rather than to the person.
    /// </summary>
    private static async Task<IResult> SaveSettings(HttpContext http, WebContext web, ProfileUpdate profile, CredentialAccounts credentials, CancellationToken cancellationToken)
    {
        var form = await WebForms.ReadAsync(http, cancellationToken);
        var dataSaver = form.Text("data_saver");
        if (dataSaver is "on" or "off" or "auto")
        {
            if (dataSaver == "auto")
                http.Response.Cookies.Delete(WebSessions.DataSaverCookie);
            else
                http.Response.Cookies.Append(WebSessions.DataSaverCookie, dataSaver, new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, MaxAge = TimeSpan.FromDays(365), IsEssential = true,
                });
        }
        if (web.SignedIn && form.Has("display_name"))
        {
            try
            {
                await profile.UpdateAsync(web.ViewerId, form, cancellationToken);
            }
            catch (ApiException refused)
            {
                return SettingsPage(web, await credentials.LoadAsync(web.ViewerId, cancellationToken), refused.Body.Error, refused.StatusCode);
            }
        }
        return TypedResults.LocalRedirect("/settings?saved=1");
    }

    private static async Task<IResult> Notifications(HttpContext http, WebContext web, Db db, NotificationViews views, CancellationToken cancellationToken)
    {
        if (!web.SignedIn)
            return WebForms.SignInFirst(http);
        await using var connection = await db.OpenAsync(cancellationToken);
        var notifications = await NotificationEndpoints.ReadAsync(http, connection, views, web.ViewerId, web.Now, cancellationToken);
        return new RazorComponentResult<NotificationsPage>(new
        {
            Notifications = notifications,
            // Invitations are Pinhole's own notification type, which the API lists only when asked by name: the
            // page says how many wait and links to where they are answered.
            Invitations = await OrganizationMembers.CountInvitationsAsync(connection, web.ViewerId, cancellationToken),
            web.Now,
            Older = WebPaging.OlderInFeed(http, notifications.Count, Page.From(http.Request, defaultLimit: 40, maxLimit: 80).Limit),
        });
    }

    private static Task<IResult> Authorize(long id, HttpContext http, WebContext web, Follows follows, CancellationToken cancellationToken) =>
        WebForms.ActAsync(http, web, "/notifications", viewer => follows.AuthorizeAsync(viewer, id, cancellationToken), cancellationToken);

    private static Task<IResult> Reject(long id, HttpContext http, WebContext web, Follows follows, CancellationToken cancellationToken) =>
        WebForms.ActAsync(http, web, "/notifications", viewer => follows.RejectAsync(viewer, id, cancellationToken), cancellationToken);
}
