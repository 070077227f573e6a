using System.Diagnostics;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Web.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Live;

/// <summary>Feeds that grow by themselves: new posts announced at the top over the streaming API, older ones as one scrolls.</summary>
public sealed class LiveFeedTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact(Timeout = 600_000)]
    public async Task ANewPostIsAnnouncedOnAnOpenHashtagPageAndComesInOnATap()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        await minji.PostStatusAsync("Morning at the station #pyongyang");
        await app.RegisterAsync("jun");
        await using var jun = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone);
        await jun.SignInAsync("jun");
        var page = jun.Page;

        // Posted once the page is listening: the stream's answer has begun.
        await page.RunAndWaitForResponseAsync(() => page.GotoAsync("/tags/pyongyang"),
            response => response.Url.Contains("/api/v1/streaming/hashtag?tag=pyongyang", StringComparison.Ordinal) && response.Status == 200);
        var clock = Stopwatch.StartNew();
        await minji.PostStatusAsync("Live from Kim Il Sung Square #pyongyang");
        var banner = page.GetByRole(AriaRole.Button, new() { Name = "1 new post" });
        await Assertions.Expect(banner).ToBeVisibleAsync();
        var announcedAfter = clock.Elapsed;
        await jun.ScreenshotAsync("live-banner");

        await banner.ClickAsync();
        await Assertions.Expect(page.Locator("article.post").First).ToContainTextAsync("Live from Kim Il Sung Square");
        await Assertions.Expect(page.Locator("article.post")).ToHaveCountAsync(2);
        await Assertions.Expect(banner).ToBeHiddenAsync();
        // Within a second as a rule; the bound leaves room for a machine busy with other tests.
        Assert.True(announcedAfter < TimeSpan.FromSeconds(3), $"announced after {announcedAfter.TotalMilliseconds:F0} ms");
        Assert.Empty(jun.Errors);
    }

    [Fact(Timeout = 600_000)]
    public async Task OlderPostsArriveAsTheReaderScrollsWithoutLeavingThePage()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        for (var i = 1; i <= 25; i++)
            await minji.PostStatusAsync($"Note {i} from #pyongyang");
        await using var visitor = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Desktop);
        var page = visitor.Page;

        await page.GotoAsync("/tags/pyongyang");
        await Assertions.Expect(page.Locator("article.post")).ToHaveCountAsync(20);
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;
        await page.GetByRole(AriaRole.Link, new() { Name = "Older posts" }).ScrollIntoViewIfNeededAsync();

        await Assertions.Expect(page.Locator("article.post")).ToHaveCountAsync(25);
        await Assertions.Expect(page.Locator("article.post").Last).ToContainTextAsync("Note 1 from");
        // The last page was not full: nothing older, so no link.
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older posts" })).ToHaveCountAsync(0);
        Assert.Equal(0, navigations);
        Assert.Empty(visitor.Errors);
    }
}
