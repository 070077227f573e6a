using System.Diagnostics;
using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Social;

public sealed class TagTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ATagShowsItsUseOverTheLastSevenDays()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        await minji.PostStatusAsync("#Pyongyang one");
        await minji.PostStatusAsync("#pyongyang two");
        await reader.PostStatusAsync("#pyongyang three");
        await reader.PostStatusAsync("#pyongyang hidden", "private");

        var tag = await reader.Client.GetJsonAsync("/api/v1/tags/PyongYang");

        Assert.Equal("pyongyang", tag["name"]!.GetValue<string>());
        Assert.EndsWith("/tags/pyongyang", tag["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(tag["following"]!.GetValue<bool>());
        var history = tag["history"]!.AsArray();
        Assert.Equal(7, history.Count);
        Assert.Equal("3", history[0]!["uses"]!.GetValue<string>());
        Assert.Equal("2", history[0]!["accounts"]!.GetValue<string>());
        Assert.All(history.Skip(1), day => Assert.Equal("0", day!["uses"]!.GetValue<string>()));
        var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(today, history[0]!["day"]!.GetValue<string>());
        await reader.Client.GetAsync("/api/v1/tags/neverused", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AFollowedTagBringsItsPublicPostsIntoHome()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var stranger = await app.RegisterAsync("stranger");

        var followed = await reader.Client.PostFormAsync("/api/v1/tags/pyongyang/follow");
        var tagged = await stranger.PostStatusAsync("Mansu Hill #pyongyang");
        await stranger.PostStatusAsync("followers only #pyongyang", "private");
        await stranger.PostStatusAsync("unlisted #pyongyang", "unlisted");
        await stranger.PostStatusAsync("untagged");

        Assert.True(followed["following"]!.GetValue<bool>());
        Assert.Equal([tagged.Id()], (await reader.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());
        Assert.Equal(["pyongyang"], (await reader.Client.GetArrayAsync("/api/v1/followed_tags")).Select(t => t!["name"]!.GetValue<string>()));

        var unfollowed = await reader.Client.PostFormAsync("/api/v1/tags/pyongyang/unfollow");
        Assert.False(unfollowed["following"]!.GetValue<bool>());
        Assert.Empty(await reader.Client.GetArrayAsync("/api/v1/timelines/home"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(101)]
    public async Task HomeMergesEveryFollowedTagNewestFirst(int tags)
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var stranger = await app.RegisterAsync("stranger");
        var posts = new List<string>();
        for (var i = 0; i < tags; i++)
        {
            await reader.Client.PostFormAsync($"/api/v1/tags/place{i}/follow");
            posts.Add((await stranger.PostStatusAsync($"Seen at #place{i}")).Id());
        }
        await stranger.PostStatusAsync("Seen at #somewhere_unfollowed");
        posts.Reverse();

        var home = await reader.Client.GetArrayAsync("/api/v1/timelines/home?limit=40");

        Assert.Equal(posts.Take(40), home.Ids());
    }

    [Fact]
    public async Task APostThatIsBothFollowedAndTaggedShowsOnce()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var minji = await app.RegisterAsync("minji");
        await reader.FollowAsync(minji);
        await reader.Client.PostFormAsync("/api/v1/tags/dmz/follow");

        var post = await minji.PostStatusAsync("At the #DMZ");

        Assert.Equal([post.Id()], (await reader.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());
    }

    [Theory]
    [InlineData("not a tag")]
    [InlineData("123")]
    public async Task FollowingSomethingThatIsNotAHashtagIsRefused(string name)
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");

        await reader.Client.PostAsync($"/api/v1/tags/{Uri.EscapeDataString(name)}/follow", null, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await reader.Client.PostAsync("/api/v1/tags/neverused/unfollow", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TrendingTagsRankByPeopleOverTheLastDayAndRefreshOnlyAfterTheInterval()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Trends:RefreshSeconds"] = "600" });
        var people = new List<TestUser>();
        for (var i = 0; i < 3; i++)
            people.Add(await app.RegisterAsync($"person{i}"));
        foreach (var person in people)
            await person.PostStatusAsync("#pyongyang");
        await people[0].PostStatusAsync("#dmz #dmz again");
        await people[0].PostStatusAsync("#dmz once more");
        using var anonymous = app.CreateClient();

        var trends = await anonymous.GetArrayAsync("/api/v1/trends/tags");
        Assert.Equal(["pyongyang", "dmz"], trends.Select(t => t!["name"]!.GetValue<string>()));
        Assert.Equal("3", trends[0]!["history"]![0]!["accounts"]!.GetValue<string>());

        // Within the interval the trends are served from memory; after it the next reader still gets those at once and
        // starts a new computation, whose result the readers after it get.
        await people[1].PostStatusAsync("#wonsan");
        Assert.Equal(2, (await anonymous.GetArrayAsync("/api/v1/trends/tags")).Count);
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(2, (await anonymous.GetArrayAsync("/api/v1/trends")).Count);
        var refreshed = Stopwatch.StartNew();
        while ((await anonymous.GetArrayAsync("/api/v1/trends")).Count != 3)
        {
            Assert.True(refreshed.Elapsed < TimeSpan.FromSeconds(10), "the trends were never computed again");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        Assert.Single(await anonymous.GetArrayAsync("/api/v1/trends/tags?limit=1&offset=2"));
    }

    [Fact]
    public async Task TrendingPostsArePublicOnesPeopleInteractedWithLeavingOutWhoTheReaderBlocks()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var troll = await app.RegisterAsync("troll");
        var reader = await app.RegisterAsync("reader");
        var popular = await minji.PostStatusAsync("Arch of Triumph");
        var private_ = await minji.PostStatusAsync("followers only", "private");
        var trolling = await troll.PostStatusAsync("look at me");
        await minji.PostStatusAsync("nobody liked this");
        await reader.Client.PostFormAsync($"/api/v1/statuses/{popular.Id()}/reblog");
        await reader.Client.PostFormAsync($"/api/v1/statuses/{trolling.Id()}/favourite");
        await minji.Client.PostFormAsync($"/api/v1/statuses/{private_.Id()}/favourite");

        Assert.Equal([popular.Id(), trolling.Id()], (await app.CreateClient().GetArrayAsync("/api/v1/trends/statuses")).Ids());
        await reader.Client.PostFormAsync($"/api/v1/accounts/{troll.Id}/block");
        Assert.Equal([popular.Id()], (await reader.Client.GetArrayAsync("/api/v1/trends/statuses")).Ids());
    }
}
