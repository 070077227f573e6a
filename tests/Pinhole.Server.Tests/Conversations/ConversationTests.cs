using System.Net;
using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Server.Tests.Streaming;

namespace Pinhole.Server.Tests.Conversations;

/// <summary>Mastodon's conversations over HTTP and SSE: direct threads per participant, read state, and the direct stream.</summary>
public sealed class ConversationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static List<string> Accounts(JsonNode conversation) => conversation["accounts"]!.AsArray().Ids().Order().ToList();

    [Fact]
    public async Task ADirectPostStartsAConversationForEachPersonInIt()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var jun = await app.RegisterAsync("jun");
        var ara = await app.RegisterAsync("ara");
        var outsider = await app.RegisterAsync("outsider");

        var post = await minji.PostStatusAsync("@jun @ara the photos from Kaesong", "direct");

        var mine = (await minji.Client.GetArrayAsync("/api/v1/conversations")).Single()!;
        Assert.False(mine["unread"]!.GetValue<bool>());
        Assert.Equal(new[] { jun.Id, ara.Id }.Order(), Accounts(mine));
        Assert.Equal(post.Id(), mine["last_status"]!.Id());
        var juns = (await jun.Client.GetArrayAsync("/api/v1/conversations")).Single()!;
        Assert.True(juns["unread"]!.GetValue<bool>());
        Assert.Equal(new[] { minji.Id, ara.Id }.Order(), Accounts(juns));
        Assert.NotEqual(mine.Id(), juns.Id());
        Assert.Single(await ara.Client.GetArrayAsync("/api/v1/conversations"));
        Assert.Empty(await outsider.Client.GetArrayAsync("/api/v1/conversations"));

        // A reply among the same people is the same conversation, now unread for the others and read for its author.
        var reply = await jun.PostStatusAsync("@minji @ara thank you!", "direct", post.Id());
        var updated = (await minji.Client.GetArrayAsync("/api/v1/conversations")).Single()!;
        Assert.Equal(mine.Id(), updated.Id());
        Assert.Equal(reply.Id(), updated["last_status"]!.Id());
        Assert.True(updated["unread"]!.GetValue<bool>());
        Assert.False((await jun.Client.GetArrayAsync("/api/v1/conversations")).Single()!["unread"]!.GetValue<bool>());

        // Someone new in the thread makes it another conversation; a public post makes none.
        await jun.PostStatusAsync("@minji just us", "direct", post.Id());
        await minji.PostStatusAsync("@jun a public hello");
        Assert.Equal(2, (await minji.Client.GetArrayAsync("/api/v1/conversations")).Count);
        Assert.Single(await ara.Client.GetArrayAsync("/api/v1/conversations"));
    }

    [Fact]
    public async Task AConversationCanBeMarkedReadAndRemoved()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var jun = await app.RegisterAsync("jun");
        var post = await minji.PostStatusAsync("@jun are you there?", "direct");
        var conversation = (await jun.Client.GetArrayAsync("/api/v1/conversations")).Single()!;

        var read = await jun.Client.PostFormAsync($"/api/v1/conversations/{conversation.Id()}/read");
        Assert.False(read["unread"]!.GetValue<bool>());
        Assert.Equal(post.Id(), read["last_status"]!.Id());
        Assert.False((await jun.Client.GetArrayAsync("/api/v1/conversations")).Single()!["unread"]!.GetValue<bool>());

        // Not minji's to read or remove; gone for jun once removed, and back with the next post.
        await minji.Client.PostAsync($"/api/v1/conversations/{conversation.Id()}/read", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await minji.Client.DeleteAsync($"/api/v1/conversations/{conversation.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("{}", (await Api.ReadSuccessAsync(await jun.Client.DeleteAsync($"/api/v1/conversations/{conversation.Id()}", Cancel))).ToJsonString());
        Assert.Empty(await jun.Client.GetArrayAsync("/api/v1/conversations"));
        await jun.Client.PostAsync($"/api/v1/conversations/{conversation.Id()}/read", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await jun.Client.DeleteAsync("/api/v1/conversations/123", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Single(await minji.Client.GetArrayAsync("/api/v1/conversations"));
        await minji.PostStatusAsync("@jun hello?", "direct", post.Id());
        Assert.True((await jun.Client.GetArrayAsync("/api/v1/conversations")).Single()!["unread"]!.GetValue<bool>());
    }

    [Fact]
    public async Task DeletingAPostFallsBackToTheOneBeforeOrRemovesTheConversation()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var jun = await app.RegisterAsync("jun");
        var first = await minji.PostStatusAsync("@jun first", "direct");
        var second = await jun.PostStatusAsync("@minji second", "direct", first.Id());

        await Api.ReadSuccessAsync(await jun.Client.DeleteAsync($"/api/v1/statuses/{second.Id()}", Cancel));
        Assert.Equal(first.Id(), (await minji.Client.GetArrayAsync("/api/v1/conversations")).Single()!["last_status"]!.Id());
        Assert.Equal(first.Id(), (await jun.Client.GetArrayAsync("/api/v1/conversations")).Single()!["last_status"]!.Id());

        await Api.ReadSuccessAsync(await minji.Client.DeleteAsync($"/api/v1/statuses/{first.Id()}", Cancel));
        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/conversations"));
        Assert.Empty(await jun.Client.GetArrayAsync("/api/v1/conversations"));
    }

    [Fact]
    public async Task ABlockedAccountsDirectPostsMakeNoConversationForTheBlocker()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var troll = await app.RegisterAsync("troll");
        var earlier = await troll.PostStatusAsync("@minji before the block", "direct");
        Assert.Single(await minji.Client.GetArrayAsync("/api/v1/conversations"));

        await minji.Client.PostFormAsync($"/api/v1/accounts/{troll.Id}/block");
        await troll.PostStatusAsync("@minji after the block", "direct");
        await troll.PostStatusAsync("@minji still here", "direct", earlier.Id());

        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/conversations"));
        Assert.Equal(2, (await troll.Client.GetArrayAsync("/api/v1/conversations")).Count);
        // Unblocked, the conversation from before shows again; nothing was filed meanwhile.
        await minji.Client.PostFormAsync($"/api/v1/accounts/{troll.Id}/unblock");
        Assert.Equal(earlier.Id(), (await minji.Client.GetArrayAsync("/api/v1/conversations")).Single()!["last_status"]!.Id());
    }

    [Fact]
    public async Task ConversationsArePagedByTheirLastPost()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var friends = new List<TestUser>();
        var posts = new List<string>();
        foreach (var name in new[] { "one", "two", "three" })
        {
            friends.Add(await app.RegisterAsync(name));
            posts.Add((await minji.PostStatusAsync($"@{name} hi", "direct")).Id());
        }
        // The oldest conversation gets the newest post.
        var reply = await friends[0].PostStatusAsync("@minji hi back", "direct", posts[0]);

        using var first = await minji.Client.GetAsync("/api/v1/conversations?limit=2", Cancel);
        var page = (await Api.ReadSuccessAsync(first)).AsArray();
        Assert.Equal([reply.Id(), posts[2]], page.Select(c => c!["last_status"]!.Id()));
        Assert.Contains($"max_id={posts[2]}", first.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        Assert.Equal([posts[1]], (await minji.Client.GetArrayAsync($"/api/v1/conversations?limit=2&max_id={posts[2]}")).Select(c => c!["last_status"]!.Id()));
        Assert.Equal([reply.Id()], (await minji.Client.GetArrayAsync($"/api/v1/conversations?min_id={posts[2]}")).Select(c => c!["last_status"]!.Id()));
    }

    [Fact]
    public async Task ReadingConversationsNeedsReadStatusesAndChangingThemWriteConversations()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader", scopes: "read:statuses");
        await minji.PostStatusAsync("@reader hello", "direct");

        var conversation = (await reader.Client.GetArrayAsync("/api/v1/conversations")).Single()!;
        await reader.Client.PostAsync($"/api/v1/conversations/{conversation.Id()}/read", null, Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await reader.Client.DeleteAsync($"/api/v1/conversations/{conversation.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        using var anonymous = app.CreateClient();
        await anonymous.GetAsync("/api/v1/conversations", Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TheDirectStreamSendsConversationsWhileTheUserStreamKeepsUpdates()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var jun = await app.RegisterAsync("jun");
        var outsider = await app.RegisterAsync("outsider");
        await jun.FollowAsync(minji);
        await using var junDirect = await SseClient.ConnectAsync(jun.Client, "/api/v1/streaming/direct");
        await using var junUser = await SseClient.ConnectAsync(jun.Client, "/api/v1/streaming/user");
        await using var minjiDirect = await SseClient.ConnectAsync(minji.Client, "/api/v1/streaming/direct");
        await using var outsiderDirect = await SseClient.ConnectAsync(outsider.Client, "/api/v1/streaming/direct");

        var post = await minji.PostStatusAsync("@jun the photos", "direct");

        var event1 = await junDirect.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("conversation", event1!.Event);
        var conversation = JsonNode.Parse(event1.Data)!;
        Assert.True(conversation["unread"]!.GetValue<bool>());
        Assert.Equal([minji.Id], Accounts(conversation));
        Assert.Equal(post.Id(), conversation["last_status"]!.Id());
        Assert.False(JsonNode.Parse((await minjiDirect.ExpectAsync("conversation")).Data)!["unread"]!.GetValue<bool>());
        // A follower mentioned in a direct post has it in home, as on Mastodon.
        Assert.Equal(post.Id(), JsonNode.Parse((await junUser.ExpectAsync("update")).Data)!.Id());

        await jun.Client.PostFormAsync($"/api/v1/conversations/{conversation.Id()}/read");
        var read = await junDirect.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("conversation", read!.Event);
        Assert.False(JsonNode.Parse(read.Data)!["unread"]!.GetValue<bool>());

        await Api.ReadSuccessAsync(await minji.Client.DeleteAsync($"/api/v1/statuses/{post.Id()}", Cancel));
        var deleted = await junDirect.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("delete", post.Id()), (deleted!.Event, deleted.Data));

        // Events arrive in order: the delete came, and nothing before it but for this stream's owner.
        var outsiderEvents = new List<string>();
        while (await outsiderDirect.NextAsync(TimeSpan.FromSeconds(2)) is { } next)
        {
            outsiderEvents.Add(next.Event);
            if (next.Event == "delete")
                break;
        }
        Assert.Equal(["delete"], outsiderEvents);
    }
}
