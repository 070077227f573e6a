using System.IO.Compression;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.ResponseCompression;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Web;

/// <summary>
/// Server-rendered pages: Razor components returned from endpoints, a cookie session, anti-forgery tokens on
/// every form, and a strict Content-Security-Policy (no inline or third-party scripts, styles or images). Pages
/// leave compressed; the files they use are compressed ahead of time and cached by their hash.
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
        builder.Services.AddSingleton<StaticAssets>();
        builder.Services.AddSingleton<WebSessions>();
        builder.Services.Configure<RouteOptions>(WebRoutes.AddConstraints);
        // Pages only (files are compressed ahead of time, the API is left as it is). Over HTTPS too: the one secret a
        // page carries for its scripts is masked afresh on every response, so its compressed size tells nothing.
        builder.Services.AddResponseCompression(options =>
        {
            options.EnableForHttps = true;
            options.MimeTypes = ["text/html"];
            options.Providers.Add<BrotliCompressionProvider>();
            options.Providers.Add<GzipCompressionProvider>();
        });
        builder.Services.Configure<BrotliCompressionProviderOptions>(options => options.Level = CompressionLevel.Optimal);
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
                        $"script-src 'self'; connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; form-action {formAction}; " +
                        "frame-ancestors 'none'; base-uri 'none'";
                    headers.XFrameOptions = "DENY";
                    // A signed-in page carries its reader's token: only their browser may keep it, and must ask again.
                    headers.CacheControl = "private, no-cache";
                }
                return Task.CompletedTask;
            });
            await next(context);
        });
        app.UseResponseCompression();
        var assets = app.Services.GetRequiredService<StaticAssets>();
        app.Use(async (context, next) =>
        {
            if (!await assets.TryServeAsync(context))
                await next(context);
        });
        return app;
    }

    /// <summary>The web app's pages, each showing the API's refusals as a page of their own.</summary>
    public static IEndpointRouteBuilder MapWebPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").AddEndpointFilter(WebForms.ShowRefusals);
        pages.MapFeedPages().MapProfilePages().MapPostPages().MapAccountPages().MapComposePages();
        pages.MapOrganizationPages().MapPlacePages();
        return app;
    }
}
