using System.Net;
using System.Text.RegularExpressions;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Web;

/// <summary>
/// A feed page's "Older posts" link, which the scroll follows with JavaScript and a reader follows by hand without:
/// it must lead on until the feed really ends, however much of it the reader's own filters hide.
/// </summary>
public sealed partial class FeedPagingTests
{
    [GeneratedRegex("<a href=\"(?<href>[^\"]+)\" rel=\"next\"")]
    private static partial Regex NextLink();

    private static string? Older(PageResponse page) =>
        NextLink().Match(page.Html) is { Success: true } match ? WebUtility.HtmlDecode(match.Groups["href"].Value) : null;

    [Fact]
    public async Task ALongRunOfHiddenPostsDoesNotEndTheFeedBeforeItsEnd()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        await reader.FollowAsync(minji);
        var walks = new List<string>();
        for (var i = 0; i < 3; i++)
            walks.Add((await minji.PostStatusAsync($"Evening walk by the Taedong, day {i}")).Id());
        // Newer than the walks: 70 posts the reader hides, more than one page's reads can pass over (3 × 20).
        for (var i = 0; i < 70; i++)
            await minji.PostStatusAsync($"Missile launch coverage, part {i}");
        await reader.Client.PostFormAsync("/api/v2/filters",
            ("title", "No rockets"), ("context[]", "home"), ("filter_action", "hide"), ("keywords_attributes[][keyword]", "missile"));
        using var session = await PageSession.SignInAsync(app, "reader");

        var seen = new List<string>();
        var pages = 0;
        string? path = "/";
        while (path is not null)
        {
            var page = await session.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.DoesNotContain("Missile", page.Html, StringComparison.Ordinal);
            seen.AddRange(walks.Where(page.Shows));
            Assert.True(++pages <= 3, "the pages never reach the end of the feed");
            path = Older(page);
        }

        // The first page read 60 hidden posts and showed none, yet led on; the second found the walks and the end.
        Assert.Equal(2, pages);
        Assert.Equal(walks.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AShortPageAtTheEndOfAFeedHasNoOlderLink()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("Only one #pyongyang");

        using var anonymous = new PageSession(app);
        var tag = await anonymous.GetAsync("/tags/pyongyang");

        Assert.True(tag.Shows(post.Id()));
        Assert.Null(Older(tag));
    }
}
