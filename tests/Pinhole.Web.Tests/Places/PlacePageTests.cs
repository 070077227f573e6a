using System.Text.RegularExpressions;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Web.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Places;

/// <summary>Where posts were taken: a post's place links to the place's page, which lists what may be seen there, also without JavaScript.</summary>
public sealed class PlacePageTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact(Timeout = 600_000)]
    public async Task APostAtMansuHillLinksItsPlaceWhosePageListsItWithoutJavaScript()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var photo = await minji.UploadAndWaitAsync(await TestScenes.JpegAsync(2), "mansu.jpg", "image/jpeg");
        var post = await minji.Client.PostFormAsync("/api/v1/statuses", ("status", "Flowers laid at Mansu Hill #pyongyang"), ("media_ids[]", photo.Id()),
            ("pinhole_place[name]", "Mansu Hill"), ("pinhole_place[latitude]", "39.0312"), ("pinhole_place[longitude]", "125.7525"));
        var place = post["pinhole"]!["place"]!.Id();
        await minji.Client.PostFormAsync("/api/v1/statuses", ("status", "Only for my followers, from the hill"), ("visibility", "private"), ("pinhole_place_id", place));

        foreach (var screen in new[] { Screen.Phone, Screen.Desktop })
        {
            await using var visitor = await WebBrowser.OpenAsync(chromium, app.BaseAddress, screen, javaScript: false);
            var page = visitor.Page;
            await page.GotoAsync($"/@minji/{post.Id()}");
            await page.GetByRole(AriaRole.Link, new() { Name = "Mansu Hill" }).ClickAsync();
            await page.WaitForURLAsync(new Regex($"/places/{place}$"));
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("📍 Mansu Hill");
            await Assertions.Expect(page.GetByText("Around 39.03° N, 125.75° E")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator($"article[data-id=\"{post.Id()}\"]")).ToContainTextAsync("Flowers laid at Mansu Hill");
            await Assertions.Expect(page.Locator("article.post")).ToHaveCountAsync(1);
            await Assertions.Expect(page.Locator("link[rel=alternate][type=\"application/rss+xml\"]")).ToHaveAttributeAsync("href", $"/places/{place}.rss");
            await Assertions.Expect(page.Locator("meta[property=\"og:url\"]")).ToHaveAttributeAsync("content", $"{app.BaseAddress}places/{place}");
            await visitor.ScreenshotAsync("place");

            // The same windows as a hashtag's page: the post is from this hour.
            await page.GetByRole(AriaRole.Link, new() { Name = "Last hour" }).ClickAsync();
            await Assertions.Expect(page.Locator($"article[data-id=\"{post.Id()}\"]")).ToBeVisibleAsync();
            Assert.Empty(visitor.Errors);
        }

        using var anonymous = app.CreateClient();
        var feed = await anonymous.GetStringAsync($"/places/{place}.rss", TestContext.Current.CancellationToken);
        Assert.Contains("Flowers laid at Mansu Hill", feed, StringComparison.Ordinal);
        Assert.DoesNotContain("Only for my followers", feed, StringComparison.Ordinal);
    }

    [Fact(Timeout = 600_000)]
    public async Task APlaceNamedOnlyOnAFollowersOnlyPostHasNoPageForOthers()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.Client.PostFormAsync("/api/v1/statuses", ("status", "Home"), ("visibility", "private"), ("pinhole_place[name]", "Our flat"));
        var place = post["pinhole"]!["place"]!.Id();
        await using var visitor = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone, javaScript: false);
        var answer = await visitor.Page.GotoAsync($"/places/{place}");
        Assert.Equal(404, answer!.Status);
        await Assertions.Expect(visitor.Page.GetByText("Our flat")).ToHaveCountAsync(0);
    }

    [Fact(Timeout = 600_000)]
    public async Task ComposeSuggestsKnownPlacesAndPostsThere()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var first = await minji.Client.PostFormAsync("/api/v1/statuses", ("status", "Morning on the hill"), ("pinhole_place[name]", "Mansu Hill"));
        await using var browser = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone);
        await browser.SignInAsync("minji");
        var page = browser.Page;

        await page.GotoAsync("/compose");
        await Assertions.Expect(page.Locator("#place-names option[value=\"Mansu Hill\"]")).ToHaveCountAsync(1);
        // No organisations, no switcher.
        await Assertions.Expect(page.GetByLabel("Post as")).ToHaveCountAsync(0);
        await page.GetByLabel("Where it was taken").FillAsync("Mansu Hill");
        await page.GetByLabel("Caption").FillAsync("Evening on the hill");
        await page.GetByRole(AriaRole.Button, new() { Name = "Share" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/@minji/[0-9]+$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Mansu Hill" }).ClickAsync();
        await page.WaitForURLAsync(new Regex($"/places/{first["pinhole"]!["place"]!.Id()}$"));
        await Assertions.Expect(page.Locator("article.post")).ToHaveCountAsync(2);
        Assert.Empty(browser.Errors);
    }
}
