using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Statuses;

public sealed class InteractionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFavouriteCountsOnceAndCanBeUndone()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var post = await minji.PostStatusAsync("Kimchi");

        await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");
        var twice = await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");
        Assert.Equal(1, twice["favourites_count"]!.GetValue<int>());
        Assert.True(twice["favourited"]!.GetValue<bool>());
        Assert.False((await minji.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}"))["favourited"]!.GetValue<bool>());

        var undone = await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/unfavourite");
        var again = await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/unfavourite");
        Assert.Equal(0, again["favourites_count"]!.GetValue<int>());
        Assert.False(undone["favourited"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ManyPeopleLikingAtOnceAreAllCounted()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("Arch of Triumph");
        var fans = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => app.RegisterAsync($"fan{i}")));

        await Task.WhenAll(fans.Select(f => f.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite")));

        Assert.Equal(16, (await minji.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}"))["favourites_count"]!.GetValue<int>());
        Assert.Equal(16, (await minji.Client.GetArrayAsync($"/api/v1/statuses/{post.Id()}/favourited_by?limit=80")).Count);
    }

    [Fact]
    public async Task AReblogWrapsThePostAndCountsOnce()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var post = await minji.PostStatusAsync("Juche Tower");

        var reblog = await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/reblog");
        var again = await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/reblog");

        Assert.Equal(reblog.Id(), again.Id());
        Assert.Equal(post.Id(), reblog["reblog"]!.Id());
        Assert.Equal("reader", reblog["account"]!["username"]!.GetValue<string>());
        Assert.True(reblog["reblog"]!["reblogged"]!.GetValue<bool>());
        Assert.Equal(1, reblog["reblog"]!["reblogs_count"]!.GetValue<int>());
        Assert.Equal([reader.Id], (await minji.Client.GetArrayAsync($"/api/v1/statuses/{post.Id()}/reblogged_by")).Ids());

        var undone = await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/unreblog");
        Assert.Equal(post.Id(), undone.Id());
        Assert.Equal(0, undone["reblogs_count"]!.GetValue<int>());
        await reader.Client.GetAsync($"/api/v1/statuses/{reblog.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task FollowersOnlyPostsCannotBeReblogged()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var follower = await app.RegisterAsync("follower");
        await follower.FollowAsync(minji);
        var post = await minji.PostStatusAsync("for followers", "private");

        await follower.Client.PostAsync($"/api/v1/statuses/{post.Id()}/reblog", null, Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task TheFavouritesTimelineListsLikesNewestLikeFirst()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var older = await minji.PostStatusAsync("older");
        var newer = await minji.PostStatusAsync("newer");

        await reader.Client.PostFormAsync($"/api/v1/statuses/{newer.Id()}/favourite");
        await reader.Client.PostFormAsync($"/api/v1/statuses/{older.Id()}/favourite");

        Assert.Equal([older.Id(), newer.Id()], (await reader.Client.GetArrayAsync("/api/v1/favourites")).Ids());
        Assert.Equal([newer.Id()], (await reader.Client.GetArrayAsync("/api/v1/favourites?limit=1&max_id=" + await FirstFavouriteCursorAsync(reader))).Ids());
    }

    private static async Task<string> FirstFavouriteCursorAsync(TestUser reader)
    {
        using var response = await reader.Client.GetAsync("/api/v1/favourites?limit=1", Cancel);
        var link = response.Headers.GetValues("Link").Single();
        return System.Text.RegularExpressions.Regex.Match(link, "max_id=(\\d+)").Groups[1].Value;
    }

    [Fact]
    public async Task TheThreadShowsAncestorsAndDescendantsInOrder()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var root = await minji.PostStatusAsync("Root");
        var first = await reader.PostStatusAsync("First comment", inReplyTo: root.Id());
        var answer = await minji.PostStatusAsync("Answer", inReplyTo: first.Id());
        var second = await reader.PostStatusAsync("Second comment", inReplyTo: root.Id());

        var fromRoot = await reader.Client.GetJsonAsync($"/api/v1/statuses/{root.Id()}/context");
        var fromAnswer = await reader.Client.GetJsonAsync($"/api/v1/statuses/{answer.Id()}/context");

        Assert.Empty(fromRoot["ancestors"]!.AsArray());
        Assert.Equal([first.Id(), answer.Id(), second.Id()], fromRoot["descendants"]!.AsArray().Ids());
        Assert.Equal([root.Id(), first.Id()], fromAnswer["ancestors"]!.AsArray().Ids());
        Assert.Empty(fromAnswer["descendants"]!.AsArray());
        Assert.Equal(root.Id(), first["in_reply_to_id"]!.GetValue<string>());
        Assert.Equal(minji.Id, first["in_reply_to_account_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownOrInvisiblePostsAreNotFoundForEveryAction()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var stranger = await app.RegisterAsync("stranger");
        var secret = await minji.PostStatusAsync("secret", "private");

        foreach (var id in new[] { secret.Id(), "4242424242" })
        {
            foreach (var action in new[] { "favourite", "unfavourite", "reblog", "unreblog" })
                await stranger.Client.PostAsync($"/api/v1/statuses/{id}/{action}", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
            foreach (var read in new[] { "", "/context", "/favourited_by", "/reblogged_by" })
                await stranger.Client.GetAsync($"/api/v1/statuses/{id}{read}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        }
    }
}
