using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Web.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Reading;

/// <summary>
/// Every main page on a 360 px phone and on a desktop: nothing wider than the screen, no script error or
/// Content-Security-Policy violation, and a screenshot of each under <c>screenshots/</c> to look at.
/// </summary>
public sealed class PageLayoutTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Theory(Timeout = 600_000)]
    [InlineData(Screen.Phone)]
    [InlineData(Screen.Desktop)]
    public async Task TheMainPagesFitTheScreenWithoutErrors(Screen screen)
    {
        await using var app = await PinholeApp.StartAsync();
        var place = await Neighbourhood.MakeAsync(app);

        await using var visitor = await WebBrowser.OpenAsync(chromium, app.BaseAddress, screen);
        await VisitAsync(visitor, "/", "landing");
        await VisitAsync(visitor, "/auth/sign_up", "sign-up");

        await using var jun = await WebBrowser.OpenAsync(chromium, app.BaseAddress, screen);
        await jun.SignInAsync("jun");
        var pages = new (string Path, string Name)[]
        {
            ("/", "home"),
            ("/explore", "explore"),
            ("/@minji", "profile"),
            ($"/@minji/{place.Photo.Id()}", "post"),
            ($"/@minji/{place.Carousel.Id()}", "carousel"),
            ("/tags/pyongyang?window=day", "tag"),
            ("/@minji/followers", "followers"),
            ("/settings", "settings"),
            ("/compose", "compose"),
        };
        foreach (var (path, name) in pages)
            await VisitAsync(jun, path, name);

        await using var minji = await WebBrowser.OpenAsync(chromium, app.BaseAddress, screen);
        await minji.SignInAsync("minji");
        await VisitAsync(minji, "/notifications", "notifications");

        Assert.Empty(visitor.Errors.Concat(jun.Errors).Concat(minji.Errors));
    }

    private static async Task VisitAsync(WebBrowser browser, string path, string name)
    {
        var response = await browser.Page.GotoAsync(path);
        Assert.True(response?.Ok == true, $"{path}: {response?.Status}");
        // Loaded, not quiet on the network: a live feed keeps its stream open (pictures are awaited by the screenshot).
        await browser.Page.WaitForLoadStateAsync(LoadState.Load);
        // A phone zooms out to fit a page wider than itself, so the page's width is compared with the screen's, not the window's.
        var width = await browser.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(width <= browser.Width, $"{path} is {width} px wide on a {browser.Width} px {browser.Screen}");
        await browser.ScreenshotAsync(name);
    }
}
