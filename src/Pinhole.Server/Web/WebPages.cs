using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Web;

/// <summary>
/// Server-rendered pages: Razor components returned from endpoints, a cookie session, anti-forgery tokens on
/// every form, and a strict Content-Security-Policy (no inline or third-party scripts, styles or images).
/// </summary>
public static class WebPages
{
    /// <summary>An extra form-action source a page allows (see the OAuth consent page).</summary>
    public const string FormActionItem = "pinhole:form-action";

    /// <summary>A page's own whole Content-Security-Policy, replacing the site's (the embed, which other sites frame).</summary>
    public const string PolicyItem = "pinhole:content-security-policy";

    public static WebApplicationBuilder AddWebPages(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();
        builder.Services.AddAntiforgery(options =>
        {
            options.Cookie.Name = "pinhole_csrf";
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.AddAuthentication().AddCookie(CookieAuthenticationDefaults.AuthenticationScheme, options =>
        {
            options.Cookie.Name = "pinhole_session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.LoginPath = "/auth/sign_in";
            options.ReturnUrlParameter = "return_url";
            options.ExpireTimeSpan = TimeSpan.FromDays(30);
            options.SlidingExpiration = true;
        });
        // Keys on disk under the data directory, so sessions survive a restart.
        var dataDir = builder.Configuration[$"{PinholeOptions.Section}:{nameof(PinholeOptions.DataDir)}"] ?? new PinholeOptions().DataDir;
        builder.Services.AddDataProtection().SetApplicationName("Pinhole")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDir, "keys")));
        return builder;
    }

    public static WebApplication UseWebPages(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                if (context.Items[PolicyItem] is string own)
                {
                    headers.ContentSecurityPolicy = own;
                }
                else if (context.Response.ContentType?.StartsWith("text/html", StringComparison.Ordinal) == true)
                {
                    var formAction = context.Items[FormActionItem] is string extra ? $"'self' {extra}" : "'self'";
                    headers.ContentSecurityPolicy =
                        $"default-src 'none'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
                        $"script-src 'self'; connect-src 'self'; font-src 'self'; form-action {formAction}; " +
                        "frame-ancestors 'none'; base-uri 'none'";
                    headers.XFrameOptions = "DENY";
                }
                return Task.CompletedTask;
            });
            await next(context);
        });
        app.UseStaticFiles();
        return app;
    }
}
