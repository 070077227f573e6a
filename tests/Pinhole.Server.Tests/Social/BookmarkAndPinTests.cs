using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Social;

public sealed class BookmarkAndPinTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BookmarksArePrivateAndNewestBookmarkFirst()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var first = await minji.PostStatusAsync("first");
        var second = await minji.PostStatusAsync("second");

        await reader.Client.PostFormAsync($"/api/v1/statuses/{second.Id()}/bookmark");
        var bookmarked = await reader.Client.PostFormAsync($"/api/v1/statuses/{first.Id()}/bookmark");

        Assert.True(bookmarked["bookmarked"]!.GetValue<bool>());
        Assert.False((await minji.Client.GetJsonAsync($"/api/v1/statuses/{first.Id()}"))["bookmarked"]!.GetValue<bool>());
        Assert.Equal([first.Id(), second.Id()], (await reader.Client.GetArrayAsync("/api/v1/bookmarks")).Ids());
        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/bookmarks"));

        var removed = await reader.Client.PostFormAsync($"/api/v1/statuses/{first.Id()}/unbookmark");
        Assert.False(removed["bookmarked"]!.GetValue<bool>());
        Assert.Equal([second.Id()], (await reader.Client.GetArrayAsync("/api/v1/bookmarks")).Ids());
    }

    [Fact]
    public async Task APostYouCannotSeeCannotBeBookmarked()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var secret = await minji.PostStatusAsync("secret", "private");

        await reader.Client.PostAsync($"/api/v1/statuses/{secret.Id()}/bookmark", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PinnedPostsLeadTheProfileNewestPinFirst()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var older = await minji.PostStatusAsync("older");
        var newer = await minji.PostStatusAsync("newer");

        await minji.Client.PostFormAsync($"/api/v1/statuses/{newer.Id()}/pin");
        var pinned = await minji.Client.PostFormAsync($"/api/v1/statuses/{older.Id()}/pin");

        Assert.True(pinned["pinned"]!.GetValue<bool>());
        Assert.Equal([older.Id(), newer.Id()], (await app.CreateClient().GetArrayAsync($"/api/v1/accounts/{minji.Id}/statuses?pinned=true")).Ids());
        await minji.Client.PostFormAsync($"/api/v1/statuses/{older.Id()}/unpin");
        Assert.Equal([newer.Id()], (await minji.Client.GetArrayAsync($"/api/v1/accounts/{minji.Id}/statuses?pinned=true")).Ids());
        Assert.Equal(5, (await minji.Client.GetJsonAsync("/api/v2/instance"))["configuration"]!["accounts"]!["max_pinned_statuses"]!.GetValue<int>());
    }

    [Fact]
    public async Task ASixthPinIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var posts = new List<string>();
        for (var i = 0; i < 6; i++)
            posts.Add((await minji.PostStatusAsync($"post {i}")).Id());

        foreach (var id in posts[..5])
            await minji.Client.PostFormAsync($"/api/v1/statuses/{id}/pin");
        var error = await minji.Client.PostAsync($"/api/v1/statuses/{posts[5]}/pin", null, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("at most 5", error, StringComparison.Ordinal);
        Assert.Equal(5, (await minji.Client.GetArrayAsync($"/api/v1/accounts/{minji.Id}/statuses?pinned=true")).Count);
        await minji.Client.PostFormAsync($"/api/v1/statuses/{posts[0]}/pin");
    }

    [Fact]
    public async Task OnlyYourOwnVisiblePostsCanBePinned()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");
        var theirs = await other.PostStatusAsync("not yours");
        var secret = await other.PostStatusAsync("not visible", "private");
        var direct = await minji.PostStatusAsync("@other direct", "direct");
        var reblog = await minji.Client.PostFormAsync($"/api/v1/statuses/{theirs.Id()}/reblog");

        await minji.Client.PostAsync($"/api/v1/statuses/{theirs.Id()}/pin", null, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.PostAsync($"/api/v1/statuses/{secret.Id()}/pin", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await minji.Client.PostAsync($"/api/v1/statuses/{direct.Id()}/pin", null, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.PostAsync($"/api/v1/statuses/{reblog.Id()}/pin", null, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task APrivatePinIsShownOnlyToThoseWhoMaySeeIt()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var follower = await app.RegisterAsync("follower");
        await follower.FollowAsync(minji);
        var secret = await minji.PostStatusAsync("for followers", "private");
        await minji.Client.PostFormAsync($"/api/v1/statuses/{secret.Id()}/pin");

        Assert.Equal([secret.Id()], (await follower.Client.GetArrayAsync($"/api/v1/accounts/{minji.Id}/statuses?pinned=true")).Ids());
        Assert.Empty(await app.CreateClient().GetArrayAsync($"/api/v1/accounts/{minji.Id}/statuses?pinned=true"));
    }
}
