using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Streaming;

/// <summary>
/// Mastodon's streaming API: Server-Sent Events at <c>/api/v1/streaming/{stream}</c> and the multiplexed WebSocket at
/// <c>/api/v1/streaming</c>. Every event carries an id, and a reconnecting client catches up from it.
/// </summary>
public static class StreamingEndpoints
{
    public static IServiceCollection AddStreaming(this IServiceCollection services) => services
        .AddSingleton<StreamHub>()
        .AddSingleton<StreamAudience>()
        .AddSingleton<StreamEvents>()
        .AddSingleton<StreamCatchUp>()
        .AddSingleton<StreamFilters>()
        .AddSingleton<IStreamSignal>(provider =>
        {
            var options = provider.GetRequiredService<IOptions<PinholeOptions>>().Value;
            return options.Database.Provider == DatabaseProvider.Postgres
                ? new PostgresStreamSignal(provider.GetRequiredService<IConfiguration>().GetConnectionString("Postgres")!, provider.GetRequiredService<ILogger<PostgresStreamSignal>>())
                : new InProcessStreamSignal(provider.GetRequiredService<Db>());
        })
        .AddHostedService<StreamDispatcher>();

    public static RouteGroupBuilder MapStreaming(this RouteGroupBuilder api)
    {
        api.MapGet("/v1/streaming/health", () => TypedResults.Text("OK"));
        Sse(api, "user", StreamNames.User).RequireScope(Scopes.ReadStatuses);
        Sse(api, "user/notification", StreamNames.UserNotification).RequireScope(Scopes.ReadNotifications);
        Sse(api, "public", StreamNames.Public).AllowAnonymous(Scopes.ReadStatuses);
        Sse(api, "public/media", StreamNames.PublicMedia).AllowAnonymous(Scopes.ReadStatuses);
        Sse(api, "public/local", StreamNames.PublicLocal).AllowAnonymous(Scopes.ReadStatuses);
        Sse(api, "public/local/media", StreamNames.PublicLocalMedia).AllowAnonymous(Scopes.ReadStatuses);
        Sse(api, "hashtag", StreamNames.Hashtag).AllowAnonymous(Scopes.ReadStatuses);
        Sse(api, "hashtag/local", StreamNames.HashtagLocal).AllowAnonymous(Scopes.ReadStatuses);
        Sse(api, "list", StreamNames.List).RequireScope(Scopes.ReadStatuses);
        Sse(api, "direct", StreamNames.Direct).RequireScope(Scopes.ReadStatuses);
        api.MapGet("/v1/streaming", StreamSocket.RunAsync).AllowAnonymous(Scopes.ReadStatuses, Scopes.ReadNotifications);
        return api;
    }

    private static RouteHandlerBuilder Sse(RouteGroupBuilder api, string path, string name) =>
        api.MapGet($"/v1/streaming/{path}", (HttpContext http, Caller caller, Db db, StreamCatchUp catchUp, IOptions<PinholeOptions> options,
            IHostApplicationLifetime lifetime) => RunSseAsync(http, caller, db, name, catchUp, options.Value.Streaming, lifetime));

    private static async Task RunSseAsync(HttpContext http, Caller caller, Db db, string name, StreamCatchUp catchUp, StreamingSettings settings,
        IHostApplicationLifetime lifetime)
    {
        var query = http.Request.Query;
        // Mastodon's clients ask for the media streams with only_media=true on the plain path.
        if (query["only_media"] == "true" && name is StreamNames.Public or StreamNames.PublicLocal)
            name += ":media";
        var key = StreamNames.Parse(name, query["tag"], query["list"]) ?? throw ApiException.BadRequest("Unknown stream or missing parameter (tag or list)");
        var viewer = caller.AccountId ?? 0;
        await StreamAccess.CheckAsync(db, key, viewer, http.RequestAborted);
        var lastSeen = ParseId(http.Request.Headers["Last-Event-ID"].ToString()) ?? ParseId(query["last_event_id"].ToString());

        var queue = Channel.CreateBounded<StreamMessage>(new BoundedChannelOptions(settings.QueueLimit) { SingleReader = true });
        var subscription = new Subscription(viewer, key, queue.Writer);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await catchUp.StartAsync(subscription, lastSeen, ending.Token);
            // Written once subscribed: a client that sees it knows nothing posted from now on will be missed.
            await response.WriteAsync(":)\n\n", ending.Token);
            await response.Body.FlushAsync(ending.Token);
            var heartbeat = TimeSpan.FromSeconds(settings.HeartbeatSeconds);
            while (!ending.IsCancellationRequested)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(ending.Token);
                beat.CancelAfter(heartbeat);
                bool ready;
                try
                {
                    ready = await queue.Reader.WaitToReadAsync(beat.Token);
                }
                catch (OperationCanceledException) when (!ending.IsCancellationRequested)
                {
                    await response.WriteAsync(":thump\n\n", ending.Token);
                    await response.Body.FlushAsync(ending.Token);
                    continue;
                }
                if (!ready)
                    return; // dropped for falling behind: the client reconnects with its Last-Event-ID
                // An event without a payload (filters_changed) says "undefined", as Mastodon's does: EventSource drops an event with no data.
                while (queue.Reader.TryRead(out var message))
                    await response.WriteAsync($"id: {message.Id.ToString(CultureInfo.InvariantCulture)}\nevent: {message.Event}\ndata: {message.Payload ?? "undefined"}\n\n", ending.Token);
                await response.Body.FlushAsync(ending.Token);
            }
        }
        catch (OperationCanceledException) when (ending.IsCancellationRequested)
        {
            // The client left, or the server is stopping: the response ends cleanly and the client reconnects.
        }
        finally
        {
            catchUp.Stop(subscription);
        }
    }

    public static long? ParseId(string? text) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
