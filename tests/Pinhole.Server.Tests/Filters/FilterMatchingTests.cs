using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Filters;

/// <summary>Filters applied where posts are read: <c>filtered</c> on what matches in the filter's contexts, and <c>hide</c> filters leaving it out.</summary>
public sealed class FilterMatchingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<JsonNode> FilterAsync(TestUser user, string action, string[] contexts, params (string Keyword, bool WholeWord)[] keywords) =>
        user.Client.PostFormAsync("/api/v2/filters",
            [("title", $"{action} filter"), ("filter_action", action), .. contexts.Select(c => ("context[]", c)),
             .. keywords.SelectMany(k => new[] { ("keywords_attributes[][keyword]", k.Keyword), ("keywords_attributes[][whole_word]", k.WholeWord ? "true" : "false") })]);

    private static JsonNode Find(JsonArray statuses, JsonNode post) => statuses.Single(s => s!.Id() == post.Id())!;

    private static List<string>? KeywordMatches(JsonNode status) =>
        status["filtered"]?.AsArray().SelectMany(r => r!["keyword_matches"]?.AsArray().Select(k => k!.GetValue<string>()) ?? []).ToList();

    [Fact]
    public async Task AWarnFilterMarksMatchingPostsInItsContextsOnly()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var author = await app.RegisterAsync("author");
        await reader.FollowAsync(author);
        var filter = await FilterAsync(reader, "warn", ["home"], ("Missile", true));
        var matching = await author.PostStatusAsync("A missile test over the sea this morning");
        var plain = await author.PostStatusAsync("Cherry blossoms on Moran Hill");

        var home = await reader.Client.GetArrayAsync("/api/v1/timelines/home");
        var result = Find(home, matching)["filtered"]!.AsArray().Single()!;
        Assert.Equal(filter.Id(), result["filter"]!.Id());
        Assert.Equal("warn", result["filter"]!["filter_action"]!.GetValue<string>());
        // Inside a result, the filter leaves out its keywords and posts, as on Mastodon.
        Assert.Null(result["filter"]!["keywords"]);
        Assert.Equal(["Missile"], result["keyword_matches"]!.AsArray().Select(k => k!.GetValue<string>()));
        Assert.Null(result["status_matches"]);
        Assert.Null(Find(home, plain)["filtered"]);

        // Not a filter of the public timeline, nor of anyone else.
        Assert.Null(Find(await reader.Client.GetArrayAsync("/api/v1/timelines/public"), matching)["filtered"]);
        Assert.Null(Find(await author.Client.GetArrayAsync("/api/v1/timelines/home"), matching)["filtered"]);
        using var anonymous = app.CreateClient();
        Assert.Null(Find(await anonymous.GetArrayAsync("/api/v1/timelines/public"), matching)["filtered"]);
    }

    [Fact]
    public async Task WholeWordKeywordsMatchWholeWordsAndOthersMatchAnywhere()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var author = await app.RegisterAsync("author");
        await FilterAsync(reader, "warn", ["account"], ("kim", true), ("평양", true), ("rocket", false), ("#parade", true), (".com", true));
        var posts = new[]
        {
            "Kim Il Sung Square at dawn", "Kimchi for lunch", "평양 시내 풍경", "평양에서 온 편지", "Rockets and rocketry",
            "The #parade starts at noon", "No #parades today", "See example.com for more",
        };
        foreach (var text in posts)
            await author.PostStatusAsync(text);

        var profile = await reader.Client.GetArrayAsync($"/api/v1/accounts/{author.Id}/statuses");
        var matches = profile.Reverse().Select(s => KeywordMatches(s!) is { } m ? string.Join(",", m) : null).ToList();

        Assert.Equal(["kim", null, "평양", null, "rocket", "#parade", null, ".com"], matches);
    }

    [Fact]
    public async Task TheContentWarningIsMatchedToo()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var author = await app.RegisterAsync("author");
        await FilterAsync(reader, "warn", ["public"], ("flood", true));
        var post = await author.Client.PostFormAsync("/api/v1/statuses", ("status", "Pictures from the river"), ("spoiler_text", "Flood damage"));

        Assert.Equal(["flood"], KeywordMatches(Find(await reader.Client.GetArrayAsync("/api/v1/timelines/public"), post)));
    }

    [Fact]
    public async Task AHideFilterTakesPostsOutOfItsContextAndPagesStayFull()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var author = await app.RegisterAsync("author");
        await reader.FollowAsync(author);
        await FilterAsync(reader, "hide", ["home"], ("missile", true));
        var posted = new List<(string Id, bool Hidden)>();
        foreach (var text in new[] { "one", "missile two", "three", "missile four", "missile five", "six", "seven" })
            posted.Add(((await author.PostStatusAsync(text)).Id(), text.StartsWith("missile", StringComparison.Ordinal)));
        var shown = posted.Where(p => !p.Hidden).Select(p => p.Id).Reverse().ToList();

        using var first = await reader.Client.GetAsync("/api/v1/timelines/home?limit=3", Cancel);
        var page = (await Api.ReadSuccessAsync(first)).AsArray();
        Assert.Equal(shown.Take(3), page.Ids());
        var next = first.Headers.GetValues("Link").Single().Split(',')[0].Trim().TrimStart('<').Split('>')[0];
        Assert.Equal(shown.Skip(3), (await reader.Client.GetArrayAsync(new Uri(next).PathAndQuery)).Ids());
        // min_id reads upwards from the oldest post: the three shown just above it, still newest first.
        Assert.Equal(shown.Take(3), (await reader.Client.GetArrayAsync($"/api/v1/timelines/home?limit=3&min_id={posted[0].Id}")).Ids());

        // The public timeline is no context of the filter; the author's own home, not the reader's filter.
        Assert.Equal(posted.Count, (await reader.Client.GetArrayAsync("/api/v1/timelines/public")).Count);
        Assert.Equal(posted.Count, (await author.Client.GetArrayAsync("/api/v1/timelines/home")).Count);
    }

    [Fact]
    public async Task APostFilterMatchesThePostAndItsReblogs()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var author = await app.RegisterAsync("author");
        var booster = await app.RegisterAsync("booster");
        await reader.FollowAsync(booster);
        var post = await author.PostStatusAsync("A photo I took");
        var filter = await FilterAsync(reader, "warn", ["home", "thread"]);
        await reader.Client.PostFormAsync($"/api/v2/filters/{filter.Id()}/statuses", ("status_id", post.Id()));
        var reblog = await booster.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/reblog");

        var inHome = Find(await reader.Client.GetArrayAsync("/api/v1/timelines/home"), reblog);
        Assert.Equal([post.Id()], inHome["filtered"]![0]!["status_matches"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Null(inHome["filtered"]![0]!["keyword_matches"]);
        Assert.NotNull(inHome["reblog"]!["filtered"]);
        var opened = await reader.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}");
        Assert.Equal(filter.Id(), opened["filtered"]![0]!["filter"]!.Id());
    }

    [Fact]
    public async Task AHideFilterOfThreadsTakesRepliesOutButNotThePostOpenedItself()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var author = await app.RegisterAsync("author");
        var root = await author.PostStatusAsync("What did you watch today?");
        var spoiler = await author.PostStatusAsync("A film; the ending was sad", inReplyTo: root.Id());
        var kept = await author.PostStatusAsync("Nothing, I read", inReplyTo: root.Id());
        var under = await author.PostStatusAsync("Which film?", inReplyTo: spoiler.Id());
        await FilterAsync(reader, "hide", ["thread"], ("ending", true));

        var context = await reader.Client.GetJsonAsync($"/api/v1/statuses/{root.Id()}/context");
        Assert.Equal([kept.Id(), under.Id()], context["descendants"]!.AsArray().Ids());
        Assert.Equal([root.Id()], (await reader.Client.GetJsonAsync($"/api/v1/statuses/{under.Id()}/context"))["ancestors"]!.AsArray().Ids());
        var opened = await reader.Client.GetJsonAsync($"/api/v1/statuses/{spoiler.Id()}");
        Assert.Equal("hide", opened["filtered"]![0]!["filter"]!["filter_action"]!.GetValue<string>());
        Assert.Equal(2, (await author.Client.GetJsonAsync($"/api/v1/statuses/{under.Id()}/context"))["ancestors"]!.AsArray().Count);
    }

    [Fact]
    public async Task NotificationsFollowTheNotificationsContext()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var author = await app.RegisterAsync("author");
        await FilterAsync(reader, "hide", ["notifications"], ("spam", true));
        await FilterAsync(reader, "warn", ["notifications"], ("sale", true));
        var quiet = await author.PostStatusAsync("@reader hello");
        await author.PostStatusAsync("@reader spam spam spam");
        var sale = await author.PostStatusAsync("@reader sale on film rolls");

        var notifications = await reader.Client.GetArrayAsync("/api/v1/notifications?limit=2");
        Assert.Equal([sale.Id(), quiet.Id()], notifications.Select(n => n!["status"]!.Id()));
        Assert.Equal(["sale"], KeywordMatches(notifications[0]!["status"]!));
        Assert.Null(notifications[1]!["status"]!["filtered"]);
        Assert.Equal(["sale"], KeywordMatches((await reader.Client.GetJsonAsync($"/api/v1/notifications/{notifications[0]!.Id()}"))["status"]!));
    }

    [Fact]
    public async Task AnExpiredFilterNoLongerApplies()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var author = await app.RegisterAsync("author");
        await reader.Client.PostFormAsync("/api/v2/filters", ("title", "For an hour"), ("context[]", "public"), ("filter_action", "hide"),
            ("expires_in", "3600"), ("keywords_attributes[][keyword]", "election"));
        var post = await author.PostStatusAsync("Election day");

        Assert.DoesNotContain(post.Id(), (await reader.Client.GetArrayAsync("/api/v1/timelines/public")).Ids());
        app.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(Find(await reader.Client.GetArrayAsync("/api/v1/timelines/public"), post)["filtered"]);
        Assert.Single(await reader.Client.GetArrayAsync("/api/v2/filters"));
    }

    [Fact]
    public async Task AListIsFilteredAsHome()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var author = await app.RegisterAsync("author");
        await reader.FollowAsync(author);
        var list = (await reader.Client.PostFormAsync("/api/v1/lists", ("title", "Journalists"))).Id();
        await reader.Client.PostFormAsync($"/api/v1/lists/{list}/accounts", ("account_ids[]", author.Id));
        await FilterAsync(reader, "hide", ["home"], ("rumour", true));
        await author.PostStatusAsync("A rumour about the border");
        var report = await author.PostStatusAsync("A report from the border");

        Assert.Equal([report.Id()], (await reader.Client.GetArrayAsync($"/api/v1/timelines/list/{list}")).Ids());
    }
}
