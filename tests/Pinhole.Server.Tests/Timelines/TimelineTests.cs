using System.Net;
using System.Text.RegularExpressions;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Timelines;

public sealed class TimelineTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HomeShowsYourOwnPostsAndThoseOfWhomYouFollow()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var followed = await app.RegisterAsync("followed");
        var stranger = await app.RegisterAsync("stranger");
        await reader.FollowAsync(followed);
        var own = await reader.PostStatusAsync("mine");
        var theirs = await followed.PostStatusAsync("theirs");
        var theirsPrivate = await followed.PostStatusAsync("for followers", "private");
        await stranger.PostStatusAsync("not followed");

        Assert.Equal([theirsPrivate.Id(), theirs.Id(), own.Id()], (await reader.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());

        await reader.Client.PostFormAsync($"/api/v1/accounts/{followed.Id}/unfollow");
        Assert.Equal([own.Id()], (await reader.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());
    }

    [Fact]
    public async Task HomeReachesBackPastItsRecentWindowWhenThereIsTooLittleInIt()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var quiet = await app.RegisterAsync("quiet");
        await reader.FollowAsync(quiet);
        // Thirty posts from a week ago, written straight into the database with ids from that time.
        var db = (Pinhole.Data.Db)app.Services.GetService(typeof(Pinhole.Data.Db))!;
        var weekAgo = Pinhole.Data.Snowflake.LowestIdAt(DateTimeOffset.UtcNow.AddDays(-7));
        var old = Enumerable.Range(0, 30).Select(i => weekAgo + ((long)i << 20)).ToList();
        await using (var connection = await db.OpenAsync(Cancel))
        {
            foreach (var id in old)
            {
                await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO statuses (id, account_id, text, visibility, created_at) VALUES (@id, @account, 'a quiet week', 0, @at)",
                    new { id, account = long.Parse(quiet.Id, System.Globalization.CultureInfo.InvariantCulture), at = Pinhole.Data.Snowflake.TimeOf(id).ToUnixTimeMilliseconds() });
            }
        }
        var fresh = await quiet.PostStatusAsync("finally, something new");
        var newestFirst = old.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Reverse().ToList();

        var first = await reader.Client.GetArrayAsync("/api/v1/timelines/home");
        var second = await reader.Client.GetArrayAsync($"/api/v1/timelines/home?max_id={first.Ids()[^1]}");

        Assert.Equal([fresh.Id(), .. newestFirst[..19]], first.Ids());
        Assert.Equal(newestFirst[19..], second.Ids());
    }

    [Fact]
    public async Task HomeWalksBackThroughHoursDaysAndWeeksInOrder()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var quiet = await app.RegisterAsync("quiet");
        await reader.FollowAsync(quiet);
        // Five posts each from two hours, a day and a week ago: each of home's windows (hours, two days, everything) holds some.
        var db = (Pinhole.Data.Db)app.Services.GetService(typeof(Pinhole.Data.Db))!;
        var ids = new List<long>();
        foreach (var age in new[] { TimeSpan.FromDays(7), TimeSpan.FromDays(1), TimeSpan.FromHours(2) })
            ids.AddRange(Enumerable.Range(0, 5).Select(i => Pinhole.Data.Snowflake.LowestIdAt(DateTimeOffset.UtcNow - age) + ((long)i << 20)));
        await using (var connection = await db.OpenAsync(Cancel))
        {
            foreach (var id in ids)
            {
                await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO statuses (id, account_id, text, visibility, created_at) VALUES (@id, @account, 'then', 0, @at)",
                    new { id, account = long.Parse(quiet.Id, System.Globalization.CultureInfo.InvariantCulture), at = Pinhole.Data.Snowflake.TimeOf(id).ToUnixTimeMilliseconds() });
            }
        }
        var newestFirst = ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).Reverse().ToList();

        var firstSix = await reader.Client.GetArrayAsync("/api/v1/timelines/home?limit=6");
        var all = await reader.Client.GetArrayAsync("/api/v1/timelines/home?limit=40");

        Assert.Equal(newestFirst[..6], firstSix.Ids());
        Assert.Equal(newestFirst, all.Ids());
    }

    [Fact]
    public async Task HomeShowsRepliesOnlyToPeopleYouFollow()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var followed = await app.RegisterAsync("followed");
        var stranger = await app.RegisterAsync("stranger");
        await reader.FollowAsync(followed);
        var strangerPost = await stranger.PostStatusAsync("stranger's post");
        var readerPost = await reader.PostStatusAsync("reader's post");
        await followed.PostStatusAsync("reply to a stranger", inReplyTo: strangerPost.Id());
        var toReader = await followed.PostStatusAsync("reply to reader", inReplyTo: readerPost.Id());
        var thread = await followed.PostStatusAsync("own thread", inReplyTo: toReader.Id());
        var selfReply = await followed.PostStatusAsync("continuing", inReplyTo: thread.Id());

        Assert.Equal([selfReply.Id(), thread.Id(), toReader.Id(), readerPost.Id()], (await reader.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());
    }

    [Fact]
    public async Task HomeShowsReblogsByPeopleYouFollowUnlessYouTurnedThemOff()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var booster = await app.RegisterAsync("booster");
        var author = await app.RegisterAsync("author");
        await reader.FollowAsync(booster);
        var post = await author.PostStatusAsync("worth sharing");
        var reblog = await booster.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/reblog");

        var home = await reader.Client.GetArrayAsync("/api/v1/timelines/home");
        Assert.Equal([reblog.Id()], home.Ids());
        Assert.Equal(post.Id(), home[0]!["reblog"]!.Id());

        await reader.Client.PostFormAsync($"/api/v1/accounts/{booster.Id}/follow", ("reblogs", "false"));
        Assert.Empty(await reader.Client.GetArrayAsync("/api/v1/timelines/home"));
    }

    [Fact]
    public async Task ThePublicTimelineHasOnlyPublicOriginalPosts()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");
        var withPhoto = await minji.PostStatusAsync("photo", mediaIds: (await minji.UploadAsync(await TestImages.PngAsync())).Id());
        var plain = await minji.PostStatusAsync("public");
        await minji.PostStatusAsync("unlisted", "unlisted");
        await minji.PostStatusAsync("private", "private");
        await other.PostStatusAsync("reply", inReplyTo: plain.Id());
        await other.Client.PostFormAsync($"/api/v1/statuses/{plain.Id()}/reblog");
        using var anonymous = app.CreateClient();

        Assert.Equal([plain.Id(), withPhoto.Id()], (await anonymous.GetArrayAsync("/api/v1/timelines/public")).Ids());
        Assert.Equal([withPhoto.Id()], (await anonymous.GetArrayAsync("/api/v1/timelines/public?only_media=true")).Ids());
        try { var x = await anonymous.GetArrayAsync("/api/v1/timelines/public?local=true"); Console.Error.WriteLine("GOT " + x.ToJsonString().Length); Assert.Equal([plain.Id(), withPhoto.Id()], x.Ids()); } catch (Exception e) { Console.Error.WriteLine("EXC " + e); throw; }
        Assert.Empty(await anonymous.GetArrayAsync("/api/v1/timelines/public?remote=true"));
    }

    [Fact]
    public async Task TagTimelinesMatchAnyAllAndNoneIgnoringCase()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var city = await minji.PostStatusAsync("#Pyongyang at night");
        var food = await minji.PostStatusAsync("#pyongyang #food naengmyeon");
        var dmz = await minji.PostStatusAsync("#dmz border");
        await minji.PostStatusAsync("#pyongyang but private", "private");
        await minji.PostStatusAsync("#pyongyang but unlisted", "unlisted");
        using var anonymous = app.CreateClient();

        Assert.Equal([food.Id(), city.Id()], (await anonymous.GetArrayAsync("/api/v1/timelines/tag/PYONGYANG")).Ids());
        Assert.Equal([dmz.Id(), food.Id(), city.Id()], (await anonymous.GetArrayAsync("/api/v1/timelines/tag/pyongyang?any[]=dmz")).Ids());
        Assert.Equal([food.Id()], (await anonymous.GetArrayAsync("/api/v1/timelines/tag/pyongyang?all[]=food")).Ids());
        Assert.Equal([city.Id()], (await anonymous.GetArrayAsync("/api/v1/timelines/tag/pyongyang?none[]=food")).Ids());
        Assert.Empty(await anonymous.GetArrayAsync("/api/v1/timelines/tag/neverused"));
        await anonymous.GetAsync("/api/v1/timelines/tag/" + new string('a', 101), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task AnAccountsPostsCanBeFiltered()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");
        var foreign = await other.PostStatusAsync("someone else's");
        var photo = await minji.PostStatusAsync("#pyongyang photo", mediaIds: (await minji.UploadAsync(await TestImages.PngAsync())).Id());
        var reply = await minji.PostStatusAsync("a reply", inReplyTo: foreign.Id());
        var reblog = await minji.Client.PostFormAsync($"/api/v1/statuses/{foreign.Id()}/reblog");
        var path = $"/api/v1/accounts/{minji.Id}/statuses";

        Assert.Equal([reblog.Id(), reply.Id(), photo.Id()], (await other.Client.GetArrayAsync(path)).Ids());
        Assert.Equal([photo.Id()], (await other.Client.GetArrayAsync(path + "?only_media=true")).Ids());
        Assert.Equal([reblog.Id(), photo.Id()], (await other.Client.GetArrayAsync(path + "?exclude_replies=true")).Ids());
        Assert.Equal([reply.Id(), photo.Id()], (await other.Client.GetArrayAsync(path + "?exclude_reblogs=true")).Ids());
        Assert.Equal([photo.Id()], (await other.Client.GetArrayAsync(path + "?tagged=Pyongyang")).Ids());
        await other.Client.GetAsync("/api/v1/accounts/999999/statuses", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PagesWalkWithMaxSinceAndMinIdAndTheLinkHeader()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
            ids.Add((await minji.PostStatusAsync($"post {i} #walk")).Id());
        ids.Reverse(); // newest first

        foreach (var path in new[] { "/api/v1/timelines/home", "/api/v1/timelines/public", "/api/v1/timelines/tag/walk", $"/api/v1/accounts/{minji.Id}/statuses" })
        {
            using var first = await minji.Client.GetAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "limit=2", Cancel);
            Assert.Equal(ids[..2], (await Api.ReadSuccessAsync(first)).AsArray().Ids());
            var link = first.Headers.GetValues("Link").Single();
            var next = Regex.Match(link, "<([^>]+)>; rel=\"next\"").Groups[1].Value;
            var prev = Regex.Match(link, "<([^>]+)>; rel=\"prev\"").Groups[1].Value;
            Assert.Contains($"max_id={ids[1]}", next, StringComparison.Ordinal);
            Assert.Contains("limit=2", next, StringComparison.Ordinal);
            Assert.Contains($"min_id={ids[0]}", prev, StringComparison.Ordinal);

            Assert.Equal(ids[2..4], (await minji.Client.GetArrayAsync(next)).Ids());
            Assert.Equal(ids[..2], (await minji.Client.GetArrayAsync($"{path}?since_id={ids[3]}&limit=2")).Ids());
            Assert.Equal(ids[2..4], (await minji.Client.GetArrayAsync($"{path}?min_id={ids[4]}&limit=2")).Ids());
            Assert.Empty(await minji.Client.GetArrayAsync($"{path}?min_id={ids[0]}"));
        }
        await minji.Client.GetAsync("/api/v1/timelines/home?max_id=abc", Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(5, (await minji.Client.GetArrayAsync("/api/v1/timelines/home?limit=1000")).Count);
    }
}
