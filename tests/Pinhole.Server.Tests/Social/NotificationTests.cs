using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Social;

public sealed class NotificationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static List<string> Types(System.Text.Json.Nodes.JsonArray notifications) =>
        notifications.Select(n => n!["type"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task EachKindOfNotificationArrivesWithWhoAndWhat()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var post = await minji.PostStatusAsync("Kaesong market #dprk");

        await reader.FollowAsync(minji);
        await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");
        await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/reblog");
        var mention = await reader.PostStatusAsync("@minji what did you buy?", inReplyTo: post.Id());

        var notifications = await minji.Client.GetArrayAsync("/api/v1/notifications");
        Assert.Equal(["mention", "reblog", "favourite", "follow"], Types(notifications));
        Assert.All(notifications, n => Assert.Equal(reader.Id, n!["account"]!.Id()));
        Assert.Equal(mention.Id(), notifications[0]!["status"]!.Id());
        Assert.Equal(post.Id(), notifications[1]!["status"]!.Id());
        Assert.Equal(post.Id(), notifications[2]!["status"]!.Id());
        Assert.Null(notifications[3]!["status"]);
        Assert.Empty(await reader.Client.GetArrayAsync("/api/v1/notifications"));
    }

    [Fact]
    public async Task FollowersWhoAskedHearOfEveryNewPost()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var fan = await app.RegisterAsync("fan");
        var casual = await app.RegisterAsync("casual");
        await fan.Client.PostFormAsync($"/api/v1/accounts/{minji.Id}/follow", ("notify", "true"));
        await casual.FollowAsync(minji);

        var post = await minji.PostStatusAsync("New photos from Wonsan");
        await minji.PostStatusAsync("@fan just for you", "direct");

        var notifications = await fan.Client.GetArrayAsync("/api/v1/notifications?types[]=status");
        Assert.Equal([post.Id()], notifications.Select(n => n!["status"]!.Id()));
        Assert.Empty(await casual.Client.GetArrayAsync("/api/v1/notifications"));
    }

    [Fact]
    public async Task AFollowRequestIsANotification()
    {
        await using var app = await PinholeApp.StartAsync();
        var guide = await app.RegisterAsync("guide");
        var reader = await app.RegisterAsync("reader");
        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials") { Content = Api.Form(("locked", "true")) };
        await Api.ReadSuccessAsync(await guide.Client.SendAsync(request, Cancel));

        await reader.FollowAsync(guide);

        Assert.Equal(["follow_request"], Types(await guide.Client.GetArrayAsync("/api/v1/notifications")));
    }

    [Fact]
    public async Task NotificationsFilterByTypeAndAccountAndPage()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var fans = new List<TestUser>();
        for (var i = 0; i < 3; i++)
            fans.Add(await app.RegisterAsync($"fan{i}"));
        var post = await minji.PostStatusAsync("hello");
        foreach (var fan in fans)
        {
            await fan.FollowAsync(minji);
            await fan.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");
        }

        Assert.Equal(3, (await minji.Client.GetArrayAsync("/api/v1/notifications?types[]=favourite")).Count);
        Assert.Equal(["follow", "follow", "follow"], Types(await minji.Client.GetArrayAsync("/api/v1/notifications?exclude_types[]=favourite")));
        Assert.Equal(["favourite", "follow"], Types(await minji.Client.GetArrayAsync($"/api/v1/notifications?account_id={fans[1].Id}")));
        var seen = new List<string>();
        var path = "/api/v1/notifications?limit=2";
        while (true)
        {
            using var response = await minji.Client.GetAsync(path, Cancel);
            var page = (await Api.ReadSuccessAsync(response)).AsArray();
            if (page.Count == 0)
                break;
            Assert.True(page.Count <= 2);
            seen.AddRange(page.Ids());
            path = System.Text.RegularExpressions.Regex.Match(response.Headers.GetValues("Link").Single(), "<([^>]+)>; rel=\"next\"").Groups[1].Value;
        }
        Assert.Equal(6, seen.Count);
        Assert.Equal(6, seen.Distinct().Count());
    }

    [Fact]
    public async Task OneNotificationPerThingEvenWhenItIsRepeated()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var post = await minji.PostStatusAsync("hello");

        for (var i = 0; i < 3; i++)
        {
            await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");
            await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/unfavourite");
        }

        Assert.Single(await minji.Client.GetArrayAsync("/api/v1/notifications"));
    }

    [Fact]
    public async Task NoNotificationForYourOwnActions()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("@minji talking to myself");

        await minji.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");
        await minji.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/reblog");

        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/notifications"));
    }

    [Fact]
    public async Task ANotificationCanBeReadAloneDismissedOrCleared()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var other = await app.RegisterAsync("other");
        await reader.FollowAsync(minji);
        await other.FollowAsync(minji);
        var notifications = await minji.Client.GetArrayAsync("/api/v1/notifications");

        Assert.Equal(other.Id, (await minji.Client.GetJsonAsync($"/api/v1/notifications/{notifications[0]!.Id()}"))["account"]!.Id());
        await reader.Client.GetAsync($"/api/v1/notifications/{notifications[0]!.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await reader.Client.PostAsync($"/api/v1/notifications/{notifications[0]!.Id()}/dismiss", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);

        await minji.Client.PostFormAsync($"/api/v1/notifications/{notifications[0]!.Id()}/dismiss");
        Assert.Single(await minji.Client.GetArrayAsync("/api/v1/notifications"));
        await minji.Client.PostFormAsync("/api/v1/notifications/clear");
        Assert.Empty(await minji.Client.GetArrayAsync("/api/v1/notifications"));
        await minji.Client.GetAsync($"/api/v1/notifications/{notifications[0]!.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheUnreadCountFollowsTheReadMarker()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var readers = new List<TestUser>();
        for (var i = 0; i < 3; i++)
        {
            readers.Add(await app.RegisterAsync($"reader{i}"));
            await readers[^1].FollowAsync(minji);
        }
        Assert.Equal(3, (await minji.Client.GetJsonAsync("/api/v1/notifications/unread_count"))["count"]!.GetValue<int>());
        var newest = (await minji.Client.GetArrayAsync("/api/v1/notifications"))[0]!.Id();

        var saved = await minji.Client.PostFormAsync("/api/v1/markers", ("notifications[last_read_id]", newest));
        Assert.Equal(newest, saved["notifications"]!["last_read_id"]!.GetValue<string>());
        Assert.Equal(0, (await minji.Client.GetJsonAsync("/api/v1/notifications/unread_count"))["count"]!.GetValue<int>());

        var another = await app.RegisterAsync("late");
        await another.FollowAsync(minji);
        Assert.Equal(1, (await minji.Client.GetJsonAsync("/api/v1/notifications/unread_count"))["count"]!.GetValue<int>());
        Assert.Equal(1, (await minji.Client.GetJsonAsync("/api/v1/notifications/unread_count?limit=1"))["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task MarkersRememberWhereReadingStoppedOnEveryDevice()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("hello");

        await minji.Client.PostFormAsync("/api/v1/markers", ("home[last_read_id]", post.Id()));
        var second = await minji.Client.PostFormAsync("/api/v1/markers", ("home[last_read_id]", post.Id()));
        var markers = await minji.Client.GetJsonAsync("/api/v1/markers?timeline[]=home&timeline[]=notifications");

        Assert.Equal(2, second["home"]!["version"]!.GetValue<int>());
        Assert.Equal(post.Id(), markers["home"]!["last_read_id"]!.GetValue<string>());
        Assert.Null(markers["notifications"]);
        await minji.Client.PostAsync("/api/v1/markers", Api.Form(("home[last_read_id]", "not-an-id")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.PostAsync("/api/v1/markers", Api.Form(("elsewhere[last_read_id]", "1")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task ANotificationAboutAPostYouCanNoLongerSeeDisappears()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var fan = await app.RegisterAsync("fan");
        await fan.Client.PostFormAsync($"/api/v1/accounts/{minji.Id}/follow", ("notify", "true"));
        await minji.PostStatusAsync("followers only", "private");
        Assert.Single(await fan.Client.GetArrayAsync("/api/v1/notifications"));

        await fan.Client.PostFormAsync($"/api/v1/accounts/{minji.Id}/unfollow");

        Assert.Empty(await fan.Client.GetArrayAsync("/api/v1/notifications"));
    }
}
