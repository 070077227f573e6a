using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Streaming;

/// <summary>The streaming API over real HTTP and WebSocket: who receives what, how fast, and what a reconnecting client catches up on.</summary>
public sealed class StreamingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string IdOf(SseEvent e) => JsonNode.Parse(e.Data)!.Id();

    [Fact]
    public async Task AHashtagSubscriberReceivesAPostWithinASecond()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        using var anonymous = app.CreateClient();
        await using var stream = await SseClient.ConnectAsync(anonymous, "/api/v1/streaming/hashtag?tag=Pyongyang");

        var posted = Stopwatch.StartNew();
        var post = await minji.PostStatusAsync("Children at Mansu Hill #pyongyang");
        var update = await stream.ExpectAsync("update", TimeSpan.FromSeconds(1));

        Assert.True(posted.Elapsed < TimeSpan.FromSeconds(1), $"arrived after {posted.Elapsed}");
        Assert.Equal(post.Id(), IdOf(update));
        Assert.NotNull(update.Id);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task AFollowerGetsAFollowersOnlyPostOnTheirUserStreamAndNobodyElseDoes()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var follower = await app.RegisterAsync("follower");
        var stranger = await app.RegisterAsync("stranger");
        await follower.FollowAsync(minji);
        await using var followerStream = await SseClient.ConnectAsync(follower.Client, "/api/v1/streaming/user");
        await using var strangerUser = await SseClient.ConnectAsync(stranger.Client, "/api/v1/streaming/user");
        await using var strangerPublic = await SseClient.ConnectAsync(stranger.Client, "/api/v1/streaming/public");

        var secret = await minji.PostStatusAsync("For my followers", "private");
        var open = await minji.PostStatusAsync("For everyone");

        Assert.Equal(secret.Id(), IdOf(await followerStream.ExpectAsync("update")));
        Assert.Equal(open.Id(), IdOf(await followerStream.ExpectAsync("update")));
        // Events arrive in order, so the public post arriving first proves the private one never will.
        Assert.Equal(open.Id(), IdOf(await strangerPublic.ExpectAsync("update")));
        Assert.Null(await strangerUser.NextAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task ABlockedAccountsPostsNeverArrive()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var troll = await app.RegisterAsync("troll");
        var friend = await app.RegisterAsync("friend");
        await minji.Client.PostFormAsync($"/api/v1/accounts/{troll.Id}/block");
        await using var stream = await SseClient.ConnectAsync(minji.Client, "/api/v1/streaming/hashtag?tag=pyongyang");

        await troll.PostStatusAsync("Noise #pyongyang");
        var kind = await friend.PostStatusAsync("Sunrise #pyongyang");

        Assert.Equal(kind.Id(), IdOf(await stream.ExpectAsync("update")));
    }

    [Fact]
    public async Task AClientThatReconnectsGetsExactlyWhatItMissedInOrderThenLiveEvents()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        await reader.FollowAsync(minji);
        string lastSeen;
        await using (var first = await SseClient.ConnectAsync(reader.Client, "/api/v1/streaming/user"))
        {
            await minji.PostStatusAsync("one");
            lastSeen = (await first.ExpectAsync("update")).Id!;
        }

        var missed = new List<string>();
        foreach (var text in new[] { "two", "three", "four" })
            missed.Add((await minji.PostStatusAsync(text)).Id());
        await using var again = await SseClient.ConnectAsync(reader.Client, "/api/v1/streaming/user", lastEventId: lastSeen);
        var live = await minji.PostStatusAsync("five");

        var received = new List<string>();
        for (var i = 0; i < 4; i++)
            received.Add(IdOf(await again.ExpectAsync("update")));
        Assert.Equal([.. missed, live.Id()], received);
        Assert.Null(await again.NextAsync(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task NotificationsAndDeletionsAreStreamedToWhoeverTheyConcern()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var fan = await app.RegisterAsync("fan");
        await fan.FollowAsync(minji);
        await using var notifications = await SseClient.ConnectAsync(minji.Client, "/api/v1/streaming/user/notification");
        await using var fanStream = await SseClient.ConnectAsync(fan.Client, "/api/v1/streaming/user");
        var post = await minji.PostStatusAsync("Mansu Hill");
        await fanStream.ExpectAsync("update");

        await fan.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");
        // The follow's own notification may still be on its way when the stream opens (delivery is off the request
        // path; on PostgreSQL it crosses LISTEN/NOTIFY), so it may come first; the favourite's must follow.
        JsonNode notification;
        do
            notification = JsonNode.Parse((await notifications.ExpectAsync("notification")).Data)!;
        while (notification["type"]!.GetValue<string>() == "follow");
        Assert.Equal("favourite", notification["type"]!.GetValue<string>());
        Assert.Equal(fan.Id, notification["account"]!.Id());

        using var deleted = await minji.Client.DeleteAsync($"/api/v1/statuses/{post.Id()}", Cancel);
        Assert.Equal(post.Id(), (await fanStream.ExpectAsync("delete")).Data);
    }

    [Fact]
    public async Task PrivateStreamsNeedASignedInUserAndUnknownStreamsAreRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");
        using var anonymous = app.CreateClient();
        var list = await other.Client.PostFormAsync("/api/v1/lists", ("title", "Journalists in Pyongyang"));

        await anonymous.GetAsync("/api/v1/streaming/user", Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);
        await minji.Client.GetAsync("/api/v1/streaming/hashtag", Cancel).ExpectErrorAsync(HttpStatusCode.BadRequest);
        await minji.Client.GetAsync($"/api/v1/streaming/list?list={list.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("OK", await anonymous.GetStringAsync("/api/v1/streaming/health", Cancel));
    }

    [Fact]
    public async Task AnIdleStreamHearsAHeartbeatThatClientsIgnore()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Streaming:HeartbeatSeconds"] = "1" });
        using var anonymous = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/streaming/hashtag?tag=pyongyang");
        using var response = await anonymous.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancel);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancel));
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        patience.CancelAfter(TimeSpan.FromSeconds(10));

        Assert.Equal(":)", await reader.ReadLineAsync(patience.Token));
        Assert.Equal("", await reader.ReadLineAsync(patience.Token));
        var started = Stopwatch.GetTimestamp();
        // A comment line: EventSource and every SSE parser skip it, NATs and proxies see traffic.
        Assert.StartsWith(":", await reader.ReadLineAsync(patience.Token));
        Assert.InRange(Stopwatch.GetElapsedTime(started), TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(5));
        Assert.Equal("", await reader.ReadLineAsync(patience.Token));
        Assert.StartsWith(":", await reader.ReadLineAsync(patience.Token));
    }

    [Fact]
    public async Task TheWebSocketMultiplexesStreamsAndCatchesUpFromASinceId()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        await reader.FollowAsync(minji);
        using var socket = new ClientWebSocket();
        // As Mastodon's web client does: the token as the subprotocol.
        socket.Options.AddSubProtocol(reader.Token);
        await socket.ConnectAsync(new Uri($"ws://{app.BaseAddress.Authority}/api/v1/streaming"), Cancel);
        Assert.Equal(reader.Token, socket.SubProtocol);

        await SendAsync(socket, new JsonObject { ["type"] = "subscribe", ["stream"] = "hashtag", ["tag"] = "pyongyang" });
        await SendAsync(socket, new JsonObject { ["type"] = "subscribe", ["stream"] = "user" });
        await SendAsync(socket, new JsonObject { ["type"] = "subscribe", ["stream"] = "nonsense" });
        Assert.Equal(400, (await ReceiveAsync(socket))["status"]!.GetValue<int>());
        var post = await minji.PostStatusAsync("Dawn #pyongyang");

        var messages = new[] { await ReceiveAsync(socket), await ReceiveAsync(socket) };
        Assert.Equal(["hashtag,pyongyang", "user"], messages.Select(m => string.Join(",", m["stream"]!.AsArray().Select(n => n!.GetValue<string>()))).Order());
        Assert.All(messages, m =>
        {
            Assert.Equal("update", m["event"]!.GetValue<string>());
            Assert.Equal(post.Id(), JsonNode.Parse(m["payload"]!.GetValue<string>())!.Id());
        });

        await SendAsync(socket, new JsonObject { ["type"] = "unsubscribe", ["stream"] = "hashtag", ["tag"] = "pyongyang" });
        await SendAsync(socket, new JsonObject { ["type"] = "unsubscribe", ["stream"] = "user" });
        var missed = await minji.PostStatusAsync("While away #pyongyang");
        await SendAsync(socket, new JsonObject { ["type"] = "subscribe", ["stream"] = "user", ["since_id"] = messages[0]["id"]!.GetValue<string>() });
        Assert.Equal(missed.Id(), JsonNode.Parse((await ReceiveAsync(socket))["payload"]!.GetValue<string>())!.Id());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", Cancel);
    }

    [Fact]
    public async Task AMastodonClientLibraryFollowsAHashtagLive()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        await using var masto = NodeMasto.StartHashtag(app.BaseAddress, minji.Token, "pyongyang", count: 1);
        Assert.True((await masto.NextAsync(TimeSpan.FromSeconds(30)))["ready"]!.GetValue<bool>());

        // masto.js does not tell when the server has taken its subscribe message: post until one arrives.
        var posted = new List<string>();
        JsonNode? received = null;
        for (var attempt = 0; attempt < 10 && received is null; attempt++)
        {
            posted.Add((await minji.PostStatusAsync("Children at Mansu Hill #pyongyang")).Id());
            try
            {
                received = await masto.NextAsync(TimeSpan.FromSeconds(1));
            }
            catch (TimeoutException)
            {
                // Not subscribed yet.
            }
        }

        Assert.NotNull(received);
        Assert.Equal("update", received["event"]!.GetValue<string>());
        Assert.Contains(received["id"]!.GetValue<string>(), posted);
        Assert.Contains("pyongyang", received["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task ASecondNodeDeliversWhatTheFirstWrote()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        await using var second = app.StartSecondNode();
        using var reader = second.CreateClient();
        await using var stream = await SseClient.ConnectAsync(reader, "/api/v1/streaming/hashtag?tag=pyongyang");

        var posted = Stopwatch.StartNew();
        var post = await minji.PostStatusAsync("Posted on node one #pyongyang");

        Assert.Equal(post.Id(), IdOf(await stream.ExpectAsync("update", TimeSpan.FromSeconds(2))));
        Assert.True(posted.Elapsed < TimeSpan.FromSeconds(1), $"arrived after {posted.Elapsed}");
    }

    [Fact]
    public async Task StoppingTheServerEndsStreamsCleanly()
    {
        var app = await PinholeApp.StartAsync();
        using var anonymous = app.CreateClient();
        await using var stream = await SseClient.ConnectAsync(anonymous, "/api/v1/streaming/public");

        var stopping = app.DisposeAsync();

        Assert.Null(await stream.NextAsync(TimeSpan.FromSeconds(10)));
        await stopping;
    }

    private static Task SendAsync(ClientWebSocket socket, JsonObject message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, Cancel);

    internal static async Task<JsonNode> ReceiveAsync(ClientWebSocket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        var text = new StringBuilder();
        WebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer, timeout.Token);
            text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
        while (!result.EndOfMessage);
        return JsonNode.Parse(text.ToString())!;
    }
}
