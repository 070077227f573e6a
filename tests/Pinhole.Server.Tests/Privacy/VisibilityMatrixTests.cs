using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Privacy;

/// <summary>
/// Who sees a post, walked over every read path this server has: for each visibility, each kind of viewer
/// (nobody signed in, a follower, a stranger, someone mentioned, the author) and each endpoint, the post is
/// either there or answered exactly like a post that does not exist.
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
        Author,
    }

    // Who may see a post at all, per visibility.
    private static bool CanSee(string visibility, Viewer viewer) => visibility switch
    {
        "public" or "unlisted" => true,
        "private" => viewer is Viewer.Author or Viewer.Follower or Viewer.Mentioned,
        _ => viewer is Viewer.Author or Viewer.Mentioned,
    };

    // The home timeline holds the viewer's own posts and those of accounts they follow that they may see.
    private static bool InHome(string visibility, Viewer viewer) =>
        viewer == Viewer.Author || (viewer == Viewer.Follower && CanSee(visibility, viewer));

    [Theory]
    [InlineData("public")]
    [InlineData("unlisted")]
    [InlineData("private")]
    [InlineData("direct")]
    public async Task EachViewerSeesExactlyWhatTheVisibilityAllowsOnEveryEndpoint(string visibility)
    {
        await using var app = await PinholeApp.StartAsync();
        var author = await app.RegisterAsync("author");
        var follower = await app.RegisterAsync("follower");
        var stranger = await app.RegisterAsync("stranger");
        var mentioned = await app.RegisterAsync("mentioned");
        await follower.FollowAsync(author);
        var root = await author.PostStatusAsync("A public thread start");
        var post = await author.PostStatusAsync("@mentioned the post under test #matrix", visibility, root.Id());
        await author.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");
        var clients = new Dictionary<Viewer, HttpClient>
        {
            [Viewer.Anonymous] = app.CreateClient(),
            [Viewer.Follower] = follower.Client,
            [Viewer.Stranger] = stranger.Client,
            [Viewer.Mentioned] = mentioned.Client,
            [Viewer.Author] = author.Client,
        };

        foreach (var (viewer, client) in clients)
        {
            var visible = CanSee(visibility, viewer);
            var because = $"{visibility} post, {viewer}";
            var status = visible ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            foreach (var path in new[] { "", "/context", "/favourited_by", "/reblogged_by" })
            {
                using var response = await client.GetAsync($"/api/v1/statuses/{post.Id()}{path}", Cancel);
                Assert.True(response.StatusCode == status, $"{because}: GET {path} gave {response.StatusCode}");
            }
            Assert.True(visible == (await client.GetJsonAsync($"/api/v1/statuses/{root.Id()}/context"))["descendants"]!.AsArray().Ids().Contains(post.Id()), because + ": thread");
            Assert.True(visible == (await client.GetArrayAsync($"/api/v1/accounts/{author.Id}/statuses")).Ids().Contains(post.Id()), because + ": profile");
            Assert.True((visibility == "public") == (await client.GetArrayAsync("/api/v1/timelines/public")).Ids().Contains(post.Id()), because + ": public timeline");
            Assert.True((visibility == "public") == (await client.GetArrayAsync("/api/v1/timelines/tag/matrix")).Ids().Contains(post.Id()), because + ": tag timeline");
            if (viewer == Viewer.Anonymous)
                continue;

            Assert.True(InHome(visibility, viewer) == (await client.GetArrayAsync("/api/v1/timelines/home")).Ids().Contains(post.Id()), because + ": home");
            using var favourite = await client.PostAsync($"/api/v1/statuses/{post.Id()}/favourite", null, Cancel);
            Assert.True(favourite.StatusCode == status, $"{because}: favourite gave {favourite.StatusCode}");
            Assert.True(visible == (await client.GetArrayAsync("/api/v1/favourites")).Ids().Contains(post.Id()), because + ": favourites");
            using var reply = await client.PostAsync("/api/v1/statuses", Api.Form(("status", "a reply"), ("in_reply_to_id", post.Id())), Cancel);
            Assert.True(reply.StatusCode == status, $"{because}: reply gave {reply.StatusCode}");
        }
    }
}
