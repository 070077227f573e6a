using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Streaming;

/// <summary>Filters on the streaming API: <c>filters_changed</c> for their owner, <c>filtered</c> only for a viewer whose filter matches, and <c>hide</c> dropping the event.</summary>
public sealed class FilterStreamingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static JsonNode Json(SseEvent e) => JsonNode.Parse(e.Data)!;

    private static Task<JsonNode> FilterAsync(TestUser user, string action, string context, string keyword) =>
        user.Client.PostFormAsync("/api/v2/filters", ("title", keyword), ("context[]", context), ("filter_action", action), ("keywords_attributes[][keyword]", keyword));

    [Fact]
    public async Task EveryFilterChangeReachesTheOwnersUserStreamsAndNoOneElses()
    {
        await using var app = await PinholeApp.StartAsync();
        var owner = await app.RegisterAsync("owner");
        var other = await app.RegisterAsync("other");
        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(owner.Token);
        await socket.ConnectAsync(new Uri($"ws://{app.BaseAddress.Authority}/api/v1/streaming?stream=user"), Cancel);
        await using var ownerStream = await SseClient.ConnectAsync(owner.Client, "/api/v1/streaming/user");
        await using var otherStream = await SseClient.ConnectAsync(other.Client, "/api/v1/streaming/user");

        var filter = await FilterAsync(owner, "warn", "home", "missile");
        var keyword = await owner.Client.PostFormAsync($"/api/v2/filters/{filter.Id()}/keywords", ("keyword", "rocket"));
        await Api.ReadSuccessAsync(await owner.Client.DeleteAsync($"/api/v2/filters/keywords/{keyword.Id()}", Cancel));
        await Api.ReadSuccessAsync(await owner.Client.DeleteAsync($"/api/v2/filters/{filter.Id()}", Cancel));

        for (var change = 0; change < 4; change++)
            Assert.Equal("undefined", (await ownerStream.ExpectAsync("filters_changed")).Data);
        var message = await StreamingTests.ReceiveAsync(socket);
        Assert.Equal("filters_changed", message["event"]!.GetValue<string>());
        Assert.False(message.AsObject().ContainsKey("payload"));
        Assert.Null(await otherStream.NextAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task AStreamedPostCarriesFilteredOnlyForAViewerWhoseFilterMatchesThere()
    {
        await using var app = await PinholeApp.StartAsync();
        var author = await app.RegisterAsync("author");
        var filtering = await app.RegisterAsync("filtering");
        var plain = await app.RegisterAsync("plain");
        await filtering.FollowAsync(author);
        await plain.FollowAsync(author);
        var filter = await FilterAsync(filtering, "warn", "home", "missile");
        await using var filteringHome = await SseClient.ConnectAsync(filtering.Client, "/api/v1/streaming/user");
        await using var filteringPublic = await SseClient.ConnectAsync(filtering.Client, "/api/v1/streaming/public");
        await using var plainHome = await SseClient.ConnectAsync(plain.Client, "/api/v1/streaming/user");

        var post = await author.PostStatusAsync("A missile test over the sea");

        var marked = Json(await filteringHome.ExpectAsync("update"));
        Assert.Equal(post.Id(), marked.Id());
        Assert.Equal(filter.Id(), marked["filtered"]![0]!["filter"]!.Id());
        Assert.Equal(["missile"], marked["filtered"]![0]!["keyword_matches"]!.AsArray().Select(k => k!.GetValue<string>()));
        var unmarked = Json(await plainHome.ExpectAsync("update"));
        Assert.Equal(post.Id(), unmarked.Id());
        Assert.Null(unmarked["filtered"]);
        Assert.Null(Json(await filteringPublic.ExpectAsync("update"))["filtered"]);
    }

    [Fact]
    public async Task AHideFilterDropsTheEventAndAFilterMadeWhileStreamingTakesEffectAtOnce()
    {
        await using var app = await PinholeApp.StartAsync();
        var author = await app.RegisterAsync("author");
        var reader = await app.RegisterAsync("reader");
        await reader.FollowAsync(author);
        await using var stream = await SseClient.ConnectAsync(reader.Client, "/api/v1/streaming/user");
        await using var tag = await SseClient.ConnectAsync(reader.Client, "/api/v1/streaming/hashtag?tag=sea");

        var filter = await FilterAsync(reader, "hide", "home", "missile");
        await stream.ExpectAsync("filters_changed");
        var missile = await author.PostStatusAsync("A missile test over the #sea");
        var calm = await author.PostStatusAsync("A calm #sea");

        Assert.Equal(calm.Id(), Json(await stream.ExpectAsync("update")).Id());
        // The hashtag stream is public, where this filter does not apply.
        Assert.Equal(missile.Id(), Json(await tag.ExpectAsync("update")).Id());
        Assert.Equal(calm.Id(), Json(await tag.ExpectAsync("update")).Id());

        await Api.ReadSuccessAsync(await reader.Client.DeleteAsync($"/api/v2/filters/{filter.Id()}", Cancel));
        await stream.ExpectAsync("filters_changed");
        var again = await author.PostStatusAsync("Another missile test");
        Assert.Equal(again.Id(), Json(await stream.ExpectAsync("update")).Id());
    }

    [Fact]
    public async Task ANotificationAboutAHiddenPostIsNotStreamed()
    {
        await using var app = await PinholeApp.StartAsync();
        var author = await app.RegisterAsync("author");
        var reader = await app.RegisterAsync("reader");
        await FilterAsync(reader, "hide", "notifications", "spam");
        await FilterAsync(reader, "warn", "notifications", "sale");
        await using var stream = await SseClient.ConnectAsync(reader.Client, "/api/v1/streaming/user/notification");

        await author.PostStatusAsync("@reader spam spam spam");
        var sale = await author.PostStatusAsync("@reader sale on film rolls");

        var notification = Json(await stream.ExpectAsync("notification"));
        Assert.Equal(sale.Id(), notification["status"]!.Id());
        Assert.Equal("sale", notification["status"]!["filtered"]![0]!["keyword_matches"]![0]!.GetValue<string>());
    }
}
