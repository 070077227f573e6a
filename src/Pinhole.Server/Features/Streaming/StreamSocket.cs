using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Streaming;

/// <summary>
/// Mastodon's multiplexed WebSocket: the client sends <c>{"type":"subscribe","stream":"hashtag","tag":"pyongyang"}</c>
/// (Pinhole adds <c>since_id</c>, to catch up) and <c>unsubscribe</c>; each event arrives as
/// <c>{"stream":["hashtag","pyongyang"],"event":"update","payload":"…","id":"…"}</c>, the payload a JSON text as on
/// Mastodon. All subscriptions of one socket share one bounded queue; falling behind closes the socket.
/// </summary>
public static class StreamSocket
{
    private const int MaxMessage = 4096;

    public static async Task<IResult> RunAsync(HttpContext http, Caller caller, Db db, StreamCatchUp catchUp, IOptions<PinholeOptions> options,
        IHostApplicationLifetime lifetime)
    {
        if (!http.WebSockets.IsWebSocketRequest)
            throw ApiException.BadRequest("This is the WebSocket endpoint; Server-Sent Events are at /api/v1/streaming/{stream}");
        var settings = options.Value.Streaming;
        var viewer = caller.AccountId ?? 0;
        var tokenAsProtocol = http.WebSockets.WebSocketRequestedProtocols.FirstOrDefault();
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = tokenAsProtocol,
            KeepAliveInterval = TimeSpan.FromSeconds(settings.HeartbeatSeconds),
        });
        var queue = Channel.CreateBounded<StreamMessage>(new BoundedChannelOptions(settings.QueueLimit) { SingleReader = true });
        var subscriptions = new Dictionary<StreamKey, Subscription>();
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var sending = new SemaphoreSlim(1, 1);
        try
        {
            var writer = WriteAsync(socket, queue.Reader, sending, ending.Token);
            if (http.Request.Query["stream"].ToString() is { Length: > 0 } initial)
                await SubscribeAsync(new JsonObject { ["stream"] = initial, ["tag"] = http.Request.Query["tag"].ToString(), ["list"] = http.Request.Query["list"].ToString() });
            var buffer = new byte[MaxMessage];
            while (!ending.IsCancellationRequested && socket.State == WebSocketState.Open)
            {
                var received = await socket.ReceiveAsync(buffer, ending.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                    break;
                if (!received.EndOfMessage || received.MessageType != WebSocketMessageType.Text)
                {
                    await ErrorAsync("Messages must be JSON text of at most 4 kB", 400);
                    continue;
                }
                JsonObject? message;
                try
                {
                    message = JsonNode.Parse(buffer.AsSpan(0, received.Count)) as JsonObject;
                }
                catch (JsonException)
                {
                    message = null;
                }
                switch (message?["type"]?.GetValueKind() == JsonValueKind.String ? message["type"]!.GetValue<string>() : null)
                {
                    case "subscribe":
                        await SubscribeAsync(message!);
                        break;
                    case "unsubscribe":
                        if (Key(message!) is { } key && subscriptions.Remove(key, out var gone))
                            catchUp.Stop(gone);
                        break;
                    default:
                        await ErrorAsync("Unknown message: send {\"type\":\"subscribe\"|\"unsubscribe\",\"stream\":…}", 400);
                        break;
                }
            }
            queue.Writer.TryComplete();
            await writer;
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                // The client's close answered; or stopping, or dropped for falling behind: a close it can reconnect from.
                var (status, reason) = lifetime.ApplicationStopping.IsCancellationRequested
                    ? (WebSocketCloseStatus.EndpointUnavailable, "server restarting")
                    : (WebSocketCloseStatus.NormalClosure, "bye");
                await socket.CloseOutputAsync(status, reason, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
            // The client left, or the server is stopping.
            if (socket.State == WebSocketState.Open)
                await socket.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "server restarting", CancellationToken.None);
        }
        finally
        {
            foreach (var subscription in subscriptions.Values)
                catchUp.Stop(subscription);
        }
        return TypedResults.Empty;

        async Task SubscribeAsync(JsonObject message)
        {
            if (Key(message) is not { } key)
            {
                await ErrorAsync("Unknown stream or missing parameter (tag or list)", 400);
                return;
            }
            if (subscriptions.ContainsKey(key))
                return;
            try
            {
                await StreamAccess.CheckAsync(db, key, viewer, ending.Token);
            }
            catch (ApiException refused)
            {
                await ErrorAsync(refused.Body.Error, refused.StatusCode);
                return;
            }
            var subscription = new Subscription(viewer, key, queue.Writer);
            subscriptions[key] = subscription;
            await catchUp.StartAsync(subscription, StreamingEndpoints.ParseId(Text(message, "since_id")), ending.Token);
        }

        Task ErrorAsync(string error, int status) =>
            SendAsync(socket, sending, new JsonObject { ["error"] = error, ["status"] = status }.ToJsonString(), ending.Token);
    }

    private static StreamKey? Key(JsonObject message) => StreamNames.Parse(Text(message, "stream"), Text(message, "tag"), Text(message, "list"));

    private static string? Text(JsonObject message, string name) =>
        message[name] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text
        : message[name] is JsonValue number && number.TryGetValue<long>(out var id) ? id.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : null;

    private static async Task WriteAsync(WebSocket socket, ChannelReader<StreamMessage> queue, SemaphoreSlim sending, CancellationToken cancellationToken)
    {
        await foreach (var message in queue.ReadAllAsync(cancellationToken))
        {
            var json = new JsonObject
            {
                ["stream"] = new JsonArray(message.Stream.Names.Select(n => (JsonNode?)n).ToArray()),
                ["event"] = message.Event,
            };
            if (message.Payload is not null)
                json["payload"] = message.Payload;
            json["id"] = message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await SendAsync(socket, sending, json.ToJsonString(), cancellationToken);
        }
    }

    private static async Task SendAsync(WebSocket socket, SemaphoreSlim sending, string text, CancellationToken cancellationToken)
    {
        await sending.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            sending.Release();
        }
    }
}
