using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Social;

public sealed class FollowRequestTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task LockAsync(TestUser user, bool locked = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials") { Content = Api.Form(("locked", locked ? "true" : "false")) };
        await Api.ReadSuccessAsync(await user.Client.SendAsync(request, Cancel));
    }

    [Fact]
    public async Task FollowingALockedAccountAsksAndWaitsForItsOwner()
    {
        await using var app = await PinholeApp.StartAsync();
        var guide = await app.RegisterAsync("guide");
        var reader = await app.RegisterAsync("reader");
        await LockAsync(guide);
        var secret = await guide.PostStatusAsync("for my followers", "private");

        var asked = await reader.Client.PostFormAsync($"/api/v1/accounts/{guide.Id}/follow");

        Assert.True(asked["requested"]!.GetValue<bool>());
        Assert.False(asked["following"]!.GetValue<bool>());
        Assert.Equal([reader.Id], (await guide.Client.GetArrayAsync("/api/v1/follow_requests")).Ids());
        Assert.Equal(1, (await guide.Client.GetJsonAsync("/api/v1/accounts/verify_credentials"))["source"]!["follow_requests_count"]!.GetValue<int>());
        Assert.True((await guide.Client.GetArrayAsync($"/api/v1/accounts/relationships?id[]={reader.Id}"))[0]!["requested_by"]!.GetValue<bool>());
        await reader.Client.GetAsync($"/api/v1/statuses/{secret.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal(0, (await guide.Client.GetJsonAsync($"/api/v1/accounts/{guide.Id}"))["followers_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task AnAuthorizedRequestBecomesAFollow()
    {
        await using var app = await PinholeApp.StartAsync();
        var guide = await app.RegisterAsync("guide");
        var reader = await app.RegisterAsync("reader");
        await LockAsync(guide);
        var secret = await guide.PostStatusAsync("for my followers", "private");
        await reader.FollowAsync(guide);

        var relationship = await guide.Client.PostFormAsync($"/api/v1/follow_requests/{reader.Id}/authorize");

        Assert.True(relationship["followed_by"]!.GetValue<bool>());
        Assert.Empty(await guide.Client.GetArrayAsync("/api/v1/follow_requests"));
        await reader.Client.GetJsonAsync($"/api/v1/statuses/{secret.Id()}");
        Assert.Contains(secret.Id(), (await reader.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());
        Assert.Equal(1, (await guide.Client.GetJsonAsync($"/api/v1/accounts/{guide.Id}"))["followers_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task ARejectedRequestIsGone()
    {
        await using var app = await PinholeApp.StartAsync();
        var guide = await app.RegisterAsync("guide");
        var reader = await app.RegisterAsync("reader");
        await LockAsync(guide);
        await reader.FollowAsync(guide);

        var relationship = await guide.Client.PostFormAsync($"/api/v1/follow_requests/{reader.Id}/reject");

        Assert.False(relationship["requested_by"]!.GetValue<bool>());
        Assert.False(relationship["followed_by"]!.GetValue<bool>());
        Assert.False((await reader.Client.GetArrayAsync($"/api/v1/accounts/relationships?id[]={guide.Id}"))[0]!["requested"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AuthorizingOrRejectingARequestThatDoesNotExistIsNotFound()
    {
        await using var app = await PinholeApp.StartAsync();
        var guide = await app.RegisterAsync("guide");
        var reader = await app.RegisterAsync("reader");

        await guide.Client.PostAsync($"/api/v1/follow_requests/{reader.Id}/authorize", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await guide.Client.PostAsync($"/api/v1/follow_requests/{reader.Id}/reject", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await guide.Client.PostAsync("/api/v1/follow_requests/999/authorize", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UnlockingAnAccountAcceptsEveryoneWhoAsked()
    {
        await using var app = await PinholeApp.StartAsync();
        var guide = await app.RegisterAsync("guide");
        var first = await app.RegisterAsync("first");
        var second = await app.RegisterAsync("second");
        await LockAsync(guide);
        await first.FollowAsync(guide);
        await second.FollowAsync(guide);

        await LockAsync(guide, locked: false);

        Assert.Empty(await guide.Client.GetArrayAsync("/api/v1/follow_requests"));
        Assert.Equal([second.Id, first.Id], (await guide.Client.GetArrayAsync($"/api/v1/accounts/{guide.Id}/followers")).Ids());
        Assert.Equal(2, (await guide.Client.GetJsonAsync($"/api/v1/accounts/{guide.Id}"))["followers_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task UnfollowingWithdrawsAPendingRequest()
    {
        await using var app = await PinholeApp.StartAsync();
        var guide = await app.RegisterAsync("guide");
        var reader = await app.RegisterAsync("reader");
        await LockAsync(guide);
        await reader.FollowAsync(guide);

        var relationship = await reader.Client.PostFormAsync($"/api/v1/accounts/{guide.Id}/unfollow");

        Assert.False(relationship["requested"]!.GetValue<bool>());
        Assert.Empty(await guide.Client.GetArrayAsync("/api/v1/follow_requests"));
    }
}
