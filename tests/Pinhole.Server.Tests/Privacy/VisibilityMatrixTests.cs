using System.Net;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Server.Tests.Streaming;

namespace Pinhole.Server.Tests.Privacy;

/// <summary>
/// Who sees a post, walked over every read path this server has. For each visibility, with the author's account
/// open or locked, and for each kind of viewer — nobody signed in, a follower, a stranger, someone mentioned, someone
/// the author blocked, someone who blocked the author, a follower who muted the author, and the author — each
/// endpoint either shows the post or answers exactly as for a post that does not exist. A new read endpoint is not
/// done until it has a row here.
/// </summary>
public sealed class VisibilityMatrixTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public enum Viewer
    {
        Anonymous,
        Follower,
        Stranger,
        Mentioned,
        BlockedByAuthor,
        BlockingAuthor,
        MutingFollower,
        Author,
    }

    /// <summary>May the viewer open the post at all (by its link, in a thread, in a profile)?</summary>
    private static bool CanSee(string visibility, Viewer viewer) => viewer switch
    {
        Viewer.Author => true,
        Viewer.BlockedByAuthor => false,
        _ => visibility switch
        {
            "public" or "unlisted" => true,
            "private" => viewer is Viewer.Follower or Viewer.Mentioned or Viewer.MutingFollower,
            _ => viewer is Viewer.Mentioned,
        },
    };

    /// <summary>Did the viewer choose not to see the author in their feeds?</summary>
    private static bool Hides(Viewer viewer) => viewer is Viewer.BlockingAuthor or Viewer.MutingFollower;

    /// <summary>Feeds show what the viewer may see and did not hide.</summary>
    private static bool InFeeds(string visibility, Viewer viewer) => CanSee(visibility, viewer) && !Hides(viewer);

    /// <summary>A direct post is a conversation for its author and whom it mentions.</summary>
    private static bool InConversations(string visibility, Viewer viewer) => visibility == "direct" && viewer is Viewer.Author or Viewer.Mentioned;

    public static TheoryData<string, bool> Cases => new()
    {
        { "public", false }, { "unlisted", false }, { "private", false }, { "direct", false },
        { "public", true }, { "unlisted", true }, { "private", true }, { "direct", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EachViewerSeesExactlyWhatTheyMayOnEveryEndpoint(string visibility, bool lockedAuthor)
    {
        await using var app = await PinholeApp.StartAsync();
        var author = await app.RegisterAsync("author");
        var users = new Dictionary<Viewer, TestUser>
        {
            [Viewer.Author] = author,
            [Viewer.Follower] = await app.RegisterAsync("follower"),
            [Viewer.Stranger] = await app.RegisterAsync("stranger"),
            [Viewer.Mentioned] = await app.RegisterAsync("mentioned"),
            [Viewer.BlockedByAuthor] = await app.RegisterAsync("blocked"),
            [Viewer.BlockingAuthor] = await app.RegisterAsync("blocker"),
            [Viewer.MutingFollower] = await app.RegisterAsync("muter"),
        };
        if (lockedAuthor)
        {
            using var lockIt = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials") { Content = Api.Form(("locked", "true")) };
            await Api.ReadSuccessAsync(await author.Client.SendAsync(lockIt, Cancel));
        }
        foreach (var follower in new[] { users[Viewer.Follower], users[Viewer.MutingFollower] })
        {
            await follower.FollowAsync(author);
            if (lockedAuthor)
                await author.Client.PostFormAsync($"/api/v1/follow_requests/{follower.Id}/authorize");
        }
        // A stranger's request to a locked account, never answered, grants nothing.
        await users[Viewer.Stranger].FollowAsync(author);
        if (!lockedAuthor)
            await users[Viewer.Stranger].Client.PostFormAsync($"/api/v1/accounts/{author.Id}/unfollow");
        await users[Viewer.MutingFollower].Client.PostFormAsync($"/api/v1/accounts/{author.Id}/mute");
        await users[Viewer.BlockingAuthor].Client.PostFormAsync($"/api/v1/accounts/{author.Id}/block");
        await author.Client.PostFormAsync($"/api/v1/accounts/{users[Viewer.BlockedByAuthor].Id}/block");

        // Streams, opened before anything is posted: each viewer's user and direct streams, and the public and tag streams.
        // A sentinel's public post, made last, closes each stream's record (a direct post to everyone, the direct
        // streams'): events arrive in order.
        var sentinel = await app.RegisterAsync("sentinel");
        using var anonymousStreams = app.CreateClient();
        var streams = new List<(Viewer Viewer, string Path, SseClient Client)>();
        foreach (var viewer in Enum.GetValues<Viewer>())
        {
            var client = viewer == Viewer.Anonymous ? anonymousStreams : users[viewer].Client;
            if (viewer != Viewer.Anonymous)
                await users[viewer].FollowAsync(sentinel);
            foreach (var path in viewer == Viewer.Anonymous
                ? new[] { "/api/v1/streaming/public", "/api/v1/streaming/hashtag?tag=matrix" }
                : ["/api/v1/streaming/public", "/api/v1/streaming/hashtag?tag=matrix", "/api/v1/streaming/user", "/api/v1/streaming/direct"])
                streams.Add((viewer, path, await SseClient.ConnectAsync(client, path)));
        }

        var root = await author.PostStatusAsync("A public thread start");
        // A photo, so that the pages showing only photos and videos (explore, the front page) are walked too; and a
        // place of its own: a place is known to whoever may see a post there.
        using var upload = await author.Client.SendUploadAsync(await TestImages.PngAsync(64, 48), "photo.png", "image/png");
        var photo = (await Api.ReadSuccessAsync(upload)).Id();
        var post = await author.Client.PostFormAsync("/api/v1/statuses", ("status", "@mentioned the post under test about matrixword #matrix"), ("visibility", visibility),
            ("in_reply_to_id", root.Id()), ("media_ids[]", photo), ("pinhole_place[name]", "Matrix Hill"), ("pinhole_place[latitude]", "39.03"), ("pinhole_place[longitude]", "125.75"));
        var place = post["pinhole"]!["place"]!.Id();
        await author.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");
        await author.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/bookmark");
        if (visibility != "direct")
            await author.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/pin");
        using (var edit = await author.Client.PutAsync($"/api/v1/statuses/{post.Id()}", Api.Form(("status", "@mentioned the post under test, edited, about matrixword #matrix")), Cancel))
            await Api.ReadSuccessAsync(edit);
        // Filters are their owner's alone, even one naming the post.
        var authorsFilter = (await author.Client.PostFormAsync("/api/v2/filters", ("title", "mine"), ("context[]", "home"))).Id();
        await author.Client.PostFormAsync($"/api/v2/filters/{authorsFilter}/statuses", ("status_id", post.Id()));

        var closing = await sentinel.PostStatusAsync("sentinel #matrix");
        var closingDirect = await sentinel.PostStatusAsync(string.Join(' ', users.Values.Select(u => "@" + u.Username)) + " sentinel", "direct");
        foreach (var (viewer, path, stream) in streams)
        {
            var direct = path.EndsWith("/direct", StringComparison.Ordinal);
            var seen = new List<string>();
            while (true)
            {
                var next = await stream.NextAsync(TimeSpan.FromSeconds(10)) ?? throw new TimeoutException($"{viewer} {path}: the sentinel never arrived");
                if (next.Event is not ("update" or "status.update" or "conversation"))
                    continue;
                var payload = System.Text.Json.Nodes.JsonNode.Parse(next.Data)!;
                var id = next.Event == "conversation" ? payload["last_status"]!.Id() : payload.Id();
                if (id == (direct ? closingDirect : closing).Id())
                    break;
                seen.Add(id);
            }
            var expected = path.EndsWith("/user", StringComparison.Ordinal)
                ? viewer == Viewer.Author || (viewer == Viewer.Follower && CanSee(visibility, viewer))
                : direct ? InConversations(visibility, viewer)
                : visibility == "public" && InFeeds(visibility, viewer);
            Assert.True(expected == seen.Contains(post.Id()), $"{visibility} post, {(lockedAuthor ? "locked" : "open")} author, {viewer}: stream {path}");
            await stream.DisposeAsync();
        }

        var clients = users.ToDictionary(u => u.Key, u => u.Value.Client);
        clients[Viewer.Anonymous] = app.CreateClient();
        foreach (var (viewer, client) in clients)
        {
            var because = $"{visibility} post, {(lockedAuthor ? "locked" : "open")} author, {viewer}";
            var visible = CanSee(visibility, viewer);
            var shown = InFeeds(visibility, viewer);
            var status = visible ? HttpStatusCode.OK : HttpStatusCode.NotFound;

            foreach (var path in new[] { "", "/context", "/favourited_by", "/reblogged_by", "/history" })
            {
                using var response = await client.GetAsync($"/api/v1/statuses/{post.Id()}{path}", Cancel);
                Assert.True(response.StatusCode == status, $"{because}: GET {path} gave {response.StatusCode}");
            }
            if (viewer == Viewer.BlockedByAuthor)
                await client.GetAsync($"/api/v1/statuses/{root.Id()}/context", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
            else
                await AssertListedAsync(client, $"/api/v1/statuses/{root.Id()}/context", "descendants", post, shown, because + ": thread");
            await AssertListedAsync(client, $"/api/v1/accounts/{author.Id}/statuses", null, post, visible, because + ": profile");
            await AssertListedAsync(client, $"/api/v1/accounts/{author.Id}/statuses?pinned=true", null, post, visible && visibility != "direct", because + ": pinned");
            await AssertListedAsync(client, "/api/v1/timelines/public", null, post, visibility == "public" && shown, because + ": public timeline");
            await AssertListedAsync(client, "/api/v1/timelines/tag/matrix", null, post, visibility == "public" && shown, because + ": tag timeline");
            await AssertListedAsync(client, "/api/v1/trends/statuses", null, post, visibility == "public" && shown, because + ": trends");
            await AssertPagesAsync(app, viewer == Viewer.Anonymous ? null : users[viewer], visibility, viewer, post.Id(), root.Id(), because);
            await AssertPlaceAsync(client, place, post, visibility, viewer, because);
            await AssertTravelsAsync(app, client, author, post, visibility, because);
            if (viewer == Viewer.Anonymous)
            {
                await AssertListedAsync(client, "/api/v2/search?q=matrixword&type=statuses", "statuses", post, false, because + ": search");
                continue;
            }

            await AssertListedAsync(client, "/api/v2/search?q=matrixword&type=statuses", "statuses", post, shown, because + ": search");
            var inHome = viewer == Viewer.Author || (viewer == Viewer.Follower && visible);
            await AssertListedAsync(client, "/api/v1/timelines/home", null, post, inHome, because + ": home");
            var notified = viewer == Viewer.Mentioned;
            Assert.True(notified == (await client.GetArrayAsync("/api/v1/notifications?types[]=mention")).Select(n => n!["status"]!.Id()).Contains(post.Id()), because + ": notifications");
            Assert.True(InConversations(visibility, viewer) == (await client.GetArrayAsync("/api/v1/conversations")).Select(c => c!["last_status"]!.Id()).Contains(post.Id()),
                because + ": conversations");
            var ownsFilter = viewer == Viewer.Author;
            Assert.True(ownsFilter == (await client.GetArrayAsync("/api/v2/filters")).Ids().Contains(authorsFilter), because + ": filters");
            using (var filter = await client.GetAsync($"/api/v2/filters/{authorsFilter}", Cancel))
                Assert.True(filter.StatusCode == (ownsFilter ? HttpStatusCode.OK : HttpStatusCode.NotFound), $"{because}: GET the author's filter gave {filter.StatusCode}");
            var ownFilter = ownsFilter ? authorsFilter : (await client.PostFormAsync("/api/v2/filters", ("title", "theirs"), ("context[]", "home"))).Id();
            using (var filterPost = await client.PostAsync($"/api/v2/filters/{ownFilter}/statuses", Api.Form(("status_id", post.Id())), Cancel))
            {
                var filterable = ownsFilter ? HttpStatusCode.UnprocessableEntity : status; // the author's filter has it already
                Assert.True(filterPost.StatusCode == filterable, $"{because}: filtering the post gave {filterPost.StatusCode}");
            }
            if (viewer is Viewer.Follower or Viewer.MutingFollower)
            {
                var list = (await client.PostFormAsync("/api/v1/lists", ("title", "watch"))).Id();
                await client.PostFormAsync($"/api/v1/lists/{list}/accounts", ("account_ids[]", author.Id));
                await AssertListedAsync(client, $"/api/v1/timelines/list/{list}", null, post, shown, because + ": list");
            }

            using var favourite = await client.PostAsync($"/api/v1/statuses/{post.Id()}/favourite", null, Cancel);
            Assert.True(favourite.StatusCode == status, $"{because}: favourite gave {favourite.StatusCode}");
            await AssertListedAsync(client, "/api/v1/favourites", null, post, visible, because + ": favourites");
            using var bookmark = await client.PostAsync($"/api/v1/statuses/{post.Id()}/bookmark", null, Cancel);
            Assert.True(bookmark.StatusCode == status, $"{because}: bookmark gave {bookmark.StatusCode}");
            await AssertListedAsync(client, "/api/v1/bookmarks", null, post, visible, because + ": bookmarks");
            using var reply = await client.PostAsync("/api/v1/statuses", Api.Form(("status", "a reply"), ("in_reply_to_id", post.Id())), Cancel);
            Assert.True(reply.StatusCode == status, $"{because}: reply gave {reply.StatusCode}");
        }
    }

    /// <summary>The web pages, read as the viewer in a browser (a cookie session): the same rules as the API.</summary>
    private static async Task AssertPagesAsync(PinholeApp app, TestUser? user, string visibility, Viewer viewer, string postId, string rootId, string because)
    {
        using var pages = user is null ? new PageSession(app) : await PageSession.SignInAsync(app, user.Username);
        var visible = CanSee(visibility, viewer);
        var shown = InFeeds(visibility, viewer);
        var page = await pages.GetAsync($"/@author/{postId}");
        Assert.True((visible ? HttpStatusCode.OK : HttpStatusCode.NotFound) == page.Status, $"{because}: post page gave {page.Status}");
        Assert.True(visible == page.Html.Contains("the post under test", StringComparison.Ordinal), $"{because}: post page text");

        var expectations = new List<(string Path, bool Listed)>
        {
            ("/@author", visible),
            ("/tags/matrix", visibility == "public" && shown),
            ("/tags/matrix?window=hour", visibility == "public" && shown),
            ("/explore", visibility == "public" && shown),
            ("/", user is null ? visibility == "public" && shown : viewer == Viewer.Author || (viewer == Viewer.Follower && visible)),
        };
        if (viewer != Viewer.BlockedByAuthor)
            expectations.Add(($"/@author/{rootId}", shown));
        if (user is not null && viewer != Viewer.Author)
            expectations.Add(("/notifications", viewer == Viewer.Mentioned));
        foreach (var (path, listed) in expectations)
        {
            var shownOn = await pages.GetAsync(path);
            Assert.True(shownOn.Status == HttpStatusCode.OK, $"{because}: page {path} gave {shownOn.Status}");
            Assert.True(listed == shownOn.Shows(postId), $"{because}: page {path}: expected {(listed ? "listed" : "absent")}");
        }
        if (viewer == Viewer.BlockedByAuthor)
            Assert.Equal(HttpStatusCode.NotFound, (await pages.GetAsync($"/@author/{rootId}")).Status);
    }

    /// <summary>The place on the post: seen with the post; listed in search and nearby, and its timeline showing it, only for a public one in the viewer's feeds.</summary>
    private static async Task AssertPlaceAsync(HttpClient client, string place, System.Text.Json.Nodes.JsonNode post, string visibility, Viewer viewer, string because)
    {
        var seen = CanSee(visibility, viewer);
        using (var response = await client.GetAsync($"/api/v1/pinhole/places/{place}", Cancel))
            Assert.True(response.StatusCode == (seen ? HttpStatusCode.OK : HttpStatusCode.NotFound), $"{because}: place gave {response.StatusCode}");
        using (var timeline = await client.GetAsync($"/api/v1/timelines/place/{place}", Cancel))
        {
            Assert.True(timeline.StatusCode == (seen ? HttpStatusCode.OK : HttpStatusCode.NotFound), $"{because}: place timeline gave {timeline.StatusCode}");
            if (seen)
                Assert.True((visibility == "public" && InFeeds(visibility, viewer)) == (await Api.ReadSuccessAsync(timeline)).AsArray().Ids().Contains(post.Id()), $"{because}: place timeline");
        }
        var listed = viewer == Viewer.Author || (visibility == "public" && viewer != Viewer.BlockedByAuthor);
        Assert.True(listed == (await client.GetArrayAsync("/api/v1/pinhole/places?q=matrix")).Ids().Contains(place), $"{because}: place search");
        Assert.True(listed == (await client.GetArrayAsync("/api/v1/pinhole/places/nearby?latitude=39.03&longitude=125.75")).Ids().Contains(place), $"{because}: places nearby");
    }

    /// <summary>
    /// Feeds, the embed and oEmbed are the same for everyone, signed in or not (the viewer's token changes nothing):
    /// public posts in feeds; public and unlisted ones embedded; never a followers-only or direct post, whoever asks.
    /// </summary>
    private static async Task AssertTravelsAsync(PinholeApp app, HttpClient client, TestUser author, System.Text.Json.Nodes.JsonNode post, string visibility, string because)
    {
        var url = post["url"]!.GetValue<string>();
        var embeddable = visibility is "public" or "unlisted" ? HttpStatusCode.OK : HttpStatusCode.NotFound;
        using (var embed = await client.GetAsync($"/@{author.Username}/{post.Id()}/embed", Cancel))
            Assert.True(embed.StatusCode == embeddable, $"{because}: embed gave {embed.StatusCode}");
        using (var oembed = await client.GetAsync($"/api/oembed?url={Uri.EscapeDataString(url)}", Cancel))
            Assert.True(oembed.StatusCode == embeddable, $"{because}: oEmbed gave {oembed.StatusCode}");
        var place = post["pinhole"]!["place"]!.Id();
        foreach (var feed in new[] { $"/@{author.Username}.rss", $"/@{author.Username}.atom", "/tags/matrix.rss", "/tags/matrix.atom", $"/places/{place}.rss", $"/places/{place}.atom" })
        {
            using var response = await client.GetAsync(feed, Cancel);
            var body = await response.Content.ReadAsStringAsync(Cancel);
            if (feed.StartsWith("/places/", StringComparison.Ordinal) && visibility is "private" or "direct")
            {
                // Nobody signed in may see the place, so it has no feed at all.
                Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{because}: {feed} gave {response.StatusCode}");
                continue;
            }
            Assert.True(response.IsSuccessStatusCode, $"{because}: {feed} gave {response.StatusCode}");
            Assert.True((visibility == "public") == body.Contains(url, StringComparison.Ordinal), $"{because}: {feed}");
        }
        if (visibility == "public")
        {
            var parsed = await Feeds.NodeFeedParser.ParseAsync(new Uri(app.BaseAddress, $"/@{author.Username}.rss"));
            Assert.Contains(url, parsed["items"]!.AsArray().Select(i => i!["link"]!.GetValue<string>()));
        }
    }

    private static async Task AssertListedAsync(HttpClient client, string path, string? field, System.Text.Json.Nodes.JsonNode post, bool expected, string because)
    {
        var body = await client.GetJsonAsync(path);
        var items = (field is null ? body : body[field]!).AsArray();
        Assert.True(expected == items.Ids().Contains(post.Id()), $"{because} ({path}): expected {(expected ? "listed" : "absent")}");
    }
}
