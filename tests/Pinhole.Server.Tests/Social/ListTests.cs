using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Social;

public sealed class ListTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<string> CreateListAsync(TestUser owner, string title, params (string, string)[] extra) =>
        (await owner.Client.PostFormAsync("/api/v1/lists", [("title", title), .. extra])).Id();

    [Fact]
    public async Task AListIsAFeedOfSomeOfWhomYouFollow()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var journalist = await app.RegisterAsync("journalist");
        var friend = await app.RegisterAsync("friend");
        await reader.FollowAsync(journalist);
        await reader.FollowAsync(friend);
        var list = await CreateListAsync(reader, "Journalists in Pyongyang");
        await reader.Client.PostFormAsync($"/api/v1/lists/{list}/accounts", ("account_ids[]", journalist.Id));

        var report = await journalist.PostStatusAsync("Report from Kim Il Sung Square");
        var secret = await journalist.PostStatusAsync("for followers", "private");
        await friend.PostStatusAsync("not on the list");

        Assert.Equal([secret.Id(), report.Id()], (await reader.Client.GetArrayAsync($"/api/v1/timelines/list/{list}")).Ids());
        Assert.Equal([journalist.Id], (await reader.Client.GetArrayAsync($"/api/v1/lists/{list}/accounts")).Ids());
        Assert.Equal([list], (await reader.Client.GetArrayAsync($"/api/v1/accounts/{journalist.Id}/lists")).Ids());
        Assert.Equal("Journalists in Pyongyang", (await reader.Client.GetArrayAsync("/api/v1/lists")).Single()!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task AListCanBeRenamedAndDeleted()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var list = await CreateListAsync(reader, "Guides");

        using var put = await reader.Client.PutAsync($"/api/v1/lists/{list}", Api.Form(("title", "Tour guides"), ("replies_policy", "none"), ("exclusive", "true")), Cancel);
        var renamed = await Api.ReadSuccessAsync(put);
        Assert.Equal("Tour guides", renamed["title"]!.GetValue<string>());
        Assert.Equal("none", renamed["replies_policy"]!.GetValue<string>());
        Assert.True(renamed["exclusive"]!.GetValue<bool>());

        await Api.ReadSuccessAsync(await reader.Client.DeleteAsync($"/api/v1/lists/{list}", Cancel));
        await reader.Client.GetAsync($"/api/v1/lists/{list}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnExclusiveListTakesItsMembersOutOfHome()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var noisy = await app.RegisterAsync("noisy");
        await reader.FollowAsync(noisy);
        var list = await CreateListAsync(reader, "Noisy ones", ("exclusive", "true"));
        await reader.Client.PostFormAsync($"/api/v1/lists/{list}/accounts", ("account_ids[]", noisy.Id));

        var post = await noisy.PostStatusAsync("again and again");

        Assert.Empty(await reader.Client.GetArrayAsync("/api/v1/timelines/home"));
        Assert.Equal([post.Id()], (await reader.Client.GetArrayAsync($"/api/v1/timelines/list/{list}")).Ids());
    }

    [Fact]
    public async Task RepliesFollowTheListsPolicy()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var member = await app.RegisterAsync("member");
        var outsider = await app.RegisterAsync("outsider");
        await reader.FollowAsync(member);
        var outsiderPost = await outsider.PostStatusAsync("outside");
        var memberPost = await member.PostStatusAsync("inside");
        var replyOut = await member.PostStatusAsync("reply to an outsider", inReplyTo: outsiderPost.Id());
        var replySelf = await member.PostStatusAsync("my own thread", inReplyTo: memberPost.Id());

        async Task<IReadOnlyList<string>> TimelineAsync(string policy)
        {
            var list = await CreateListAsync(reader, policy, ("replies_policy", policy));
            await reader.Client.PostFormAsync($"/api/v1/lists/{list}/accounts", ("account_ids[]", member.Id));
            return (await reader.Client.GetArrayAsync($"/api/v1/timelines/list/{list}")).Ids();
        }

        Assert.Equal([replySelf.Id(), memberPost.Id()], await TimelineAsync("list"));
        Assert.Equal([replySelf.Id(), memberPost.Id()], await TimelineAsync("none"));
        await reader.FollowAsync(outsider);
        Assert.Equal([replySelf.Id(), replyOut.Id(), memberPost.Id()], await TimelineAsync("followed"));
    }

    [Fact]
    public async Task OnlyFollowedAccountsCanBeAddedAndUnfollowingRemovesThem()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var stranger = await app.RegisterAsync("stranger");
        var list = await CreateListAsync(reader, "Mine");

        await reader.Client.PostAsync($"/api/v1/lists/{list}/accounts", Api.Form(("account_ids[]", stranger.Id)), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await reader.Client.PostAsync($"/api/v1/lists/{list}/accounts", Api.Form(("account_ids[]", "999999")), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await reader.FollowAsync(stranger);
        await reader.Client.PostFormAsync($"/api/v1/lists/{list}/accounts", ("account_ids[]", stranger.Id));
        await reader.Client.PostFormAsync($"/api/v1/accounts/{stranger.Id}/unfollow");

        Assert.Empty(await reader.Client.GetArrayAsync($"/api/v1/lists/{list}/accounts"));
    }

    [Fact]
    public async Task SomeoneElsesListDoesNotExistForYou()
    {
        await using var app = await PinholeApp.StartAsync();
        var owner = await app.RegisterAsync("owner");
        var other = await app.RegisterAsync("other");
        var list = await CreateListAsync(owner, "Private list");

        await other.Client.GetAsync($"/api/v1/lists/{list}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.GetAsync($"/api/v1/timelines/list/{list}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.GetAsync($"/api/v1/lists/{list}/accounts", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.PutAsync($"/api/v1/lists/{list}", Api.Form(("title", "mine")), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.DeleteAsync($"/api/v1/lists/{list}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.GetAsync("/api/v1/lists/12345", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("title", "")]
    [InlineData("replies_policy", "everyone")]
    public async Task AListNeedsATitleAndAKnownRepliesPolicy(string key, string value)
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");

        (string, string)[] fields = key == "title" ? [(key, value)] : [("title", "ok"), (key, value)];
        await reader.Client.PostAsync("/api/v1/lists", Api.Form(fields), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await reader.Client.PostAsync("/api/v1/lists", Api.Form(("title", new string('a', 201))), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }
}
