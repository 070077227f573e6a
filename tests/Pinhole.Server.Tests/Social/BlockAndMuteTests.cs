using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Social;

public sealed class BlockAndMuteTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABlockRemovesTheFollowBothWaysAndTheirCounts()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var troll = await app.RegisterAsync("troll");
        await minji.FollowAsync(troll);
        await troll.FollowAsync(minji);

        var relationship = await minji.Client.PostFormAsync($"/api/v1/accounts/{troll.Id}/block");

        Assert.True(relationship["blocking"]!.GetValue<bool>());
        Assert.False(relationship["following"]!.GetValue<bool>());
        Assert.False(relationship["followed_by"]!.GetValue<bool>());
        Assert.True((await troll.Client.GetArrayAsync($"/api/v1/accounts/relationships?id[]={minji.Id}"))[0]!["blocked_by"]!.GetValue<bool>());
        var me = await minji.Client.GetJsonAsync("/api/v1/accounts/verify_credentials");
        Assert.Equal(0, me["followers_count"]!.GetValue<int>());
        Assert.Equal(0, me["following_count"]!.GetValue<int>());
        Assert.Equal([troll.Id], (await minji.Client.GetArrayAsync("/api/v1/blocks")).Ids());
    }

    [Fact]
    public async Task TheBlockedCannotSeeFollowReplyToOrLikeTheBlocker()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var troll = await app.RegisterAsync("troll");
        var post = await minji.PostStatusAsync("Juche Tower at night #pyongyang");
        await minji.Client.PostFormAsync($"/api/v1/accounts/{troll.Id}/block");

        await troll.Client.GetAsync($"/api/v1/statuses/{post.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await troll.Client.PostAsync($"/api/v1/statuses/{post.Id()}/favourite", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await troll.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "rude"), ("in_reply_to_id", post.Id())), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await troll.Client.PostAsync($"/api/v1/accounts/{minji.Id}/follow", null, Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        Assert.Empty(await troll.Client.GetArrayAsync($"/api/v1/accounts/{minji.Id}/statuses"));
        Assert.Empty(await troll.Client.GetArrayAsync("/api/v1/timelines/public"));
        Assert.Empty(await troll.Client.GetArrayAsync("/api/v1/timelines/tag/pyongyang"));
    }

    [Fact]
    public async Task TheBlockersFeedsLoseTheBlockedAccountsPostsAndReblogs()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var troll = await app.RegisterAsync("troll");
        var friend = await app.RegisterAsync("friend");
        await minji.FollowAsync(friend);
        var trollPost = await troll.PostStatusAsync("spam #pyongyang");
        await friend.Client.PostFormAsync($"/api/v1/statuses/{trollPost.Id()}/reblog");
        var root = await minji.PostStatusAsync("my post");
        await troll.PostStatusAsync("@minji rude reply", inReplyTo: root.Id());

        await minji.Client.PostFormAsync($"/api/v1/accounts/{troll.Id}/block");

        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/timelines/tag/pyongyang"));
        Assert.Equal([root.Id()], (await minji.Client.GetArrayAsync("/api/v1/timelines/public")).Ids());
        Assert.Equal([root.Id()], (await minji.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());
        Assert.Empty((await minji.Client.GetJsonAsync($"/api/v1/statuses/{root.Id()}/context"))["descendants"]!.AsArray());
        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/notifications"));
    }

    [Fact]
    public async Task AMutedAccountVanishesFromFeedsButStaysFollowed()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var noisy = await app.RegisterAsync("noisy");
        await minji.FollowAsync(noisy);
        var post = await noisy.PostStatusAsync("so many posts #pyongyang");

        var relationship = await minji.Client.PostFormAsync($"/api/v1/accounts/{noisy.Id}/mute", ("notifications", "false"));

        Assert.True(relationship["muting"]!.GetValue<bool>());
        Assert.False(relationship["muting_notifications"]!.GetValue<bool>());
        Assert.True(relationship["following"]!.GetValue<bool>());
        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/timelines/home"));
        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/timelines/tag/pyongyang"));
        await minji.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}");
        Assert.Equal([noisy.Id], (await minji.Client.GetArrayAsync("/api/v1/mutes")).Ids());

        await minji.Client.PostFormAsync($"/api/v1/accounts/{noisy.Id}/unmute");
        Assert.Equal([post.Id()], (await minji.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());
    }

    [Fact]
    public async Task AMuteWithNotificationsHidesTheirNotificationsToo()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var noisy = await app.RegisterAsync("noisy");
        var post = await minji.PostStatusAsync("hello");
        await noisy.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");
        Assert.Single(await minji.Client.GetArrayAsync("/api/v1/notifications"));

        await minji.Client.PostFormAsync($"/api/v1/accounts/{noisy.Id}/mute");

        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/notifications"));
        await minji.Client.PostFormAsync($"/api/v1/accounts/{noisy.Id}/mute", ("notifications", "false"));
        Assert.Single(await minji.Client.GetArrayAsync("/api/v1/notifications"));
    }

    [Fact]
    public async Task AMuteWithADurationEnds()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var noisy = await app.RegisterAsync("noisy");
        await minji.FollowAsync(noisy);
        var post = await noisy.PostStatusAsync("back soon");

        var relationship = await minji.Client.PostFormAsync($"/api/v1/accounts/{noisy.Id}/mute", ("duration", "1"));
        var expires = DateTimeOffset.Parse(relationship["muting_expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires, DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/timelines/home"));

        app.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False((await minji.Client.GetArrayAsync($"/api/v1/accounts/relationships?id[]={noisy.Id}"))[0]!["muting"]!.GetValue<bool>());
        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/mutes"));
        Assert.Equal([post.Id()], (await minji.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());
    }

    [Theory]
    [InlineData("block")]
    [InlineData("mute")]
    public async Task NobodyCanBlockOrMuteThemselvesOrNobody(string action)
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        await minji.Client.PostAsync($"/api/v1/accounts/{minji.Id}/{action}", null, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.PostAsync($"/api/v1/accounts/424242/{action}", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await minji.Client.PostAsync($"/api/v1/accounts/424242/un{action}", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AMuteDurationThatMakesNoSenseIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");

        await minji.Client.PostAsync($"/api/v1/accounts/{other.Id}/mute", Api.Form(("duration", "-5")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.PostAsync($"/api/v1/accounts/{other.Id}/mute", Api.Form(("duration", "soon")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }
}
