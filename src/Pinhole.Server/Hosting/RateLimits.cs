using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Hosting;

/// <summary>
/// Fixed-window limits on the API, per signed-in account and per IP address (the IP limit is generous: a whole
/// carrier's customers can share one address). A refused request gets a 429 with Mastodon's error body and a
/// Retry-After header. Media files and pages are not counted.
/// </summary>
public static class RateLimits
{
    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<PinholeOptions>>((limiter, pinhole) =>
        {
            var settings = pinhole.Value.RateLimits;
            var window = TimeSpan.FromSeconds(settings.WindowSeconds);
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    !settings.Enabled || !IsApi(context.Request.Path)
                        ? RateLimitPartition.GetNoLimiter("unlimited")
                        : RateLimitPartition.GetFixedWindowLimiter("ip:" + context.Connection.RemoteIpAddress, _ => Window(settings.PerIp, window))),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    !settings.Enabled || !IsApi(context.Request.Path) || Caller.From(context.User).AccountId is not { } account
                        ? RateLimitPartition.GetNoLimiter("unlimited")
                        : RateLimitPartition.GetFixedWindowLimiter("account:" + account.ToString(CultureInfo.InvariantCulture), _ => Window(settings.PerAccount, window))));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await ApiErrorMiddleware.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests");
            };
        });
        return builder;
    }

    private static bool IsApi(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/oauth");

    private static FixedWindowRateLimiterOptions Window(int permits, TimeSpan window) =>
        new() { PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true };
}
