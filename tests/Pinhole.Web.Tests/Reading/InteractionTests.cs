using System.Text.RegularExpressions;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Web.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Reading;

/// <summary>Reading and reacting: without JavaScript everything reads and the forms post back; with it, likes and follows stay on the page.</summary>
public sealed class InteractionTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact(Timeout = 600_000)]
    public async Task WithJavaScriptOffEveryPageStillReadsAndItsFormsStillWork()
    {
        await using var app = await PinholeApp.StartAsync();
        var place = await Neighbourhood.MakeAsync(app);
        await using var visitor = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone, javaScript: false);
        var page = visitor.Page;

        await page.GotoAsync("/");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "minji: Hills at dusk behind red houses, scene 0" })).ToBeVisibleAsync();
        await page.GotoAsync("/tags/pyongyang?window=day");
        await Assertions.Expect(page.GetByText("Evening over the Taedong river")).ToBeVisibleAsync();
        await page.GotoAsync("/@minji");
        await Assertions.Expect(page.GetByText("Photos from #pyongyang and around.")).ToBeVisibleAsync();
        await page.GotoAsync($"/@minji/{place.Photo.Id()}");
        await Assertions.Expect(page.GetByText("Beautiful light! Which bridge is that?")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByAltText("Hills at dusk behind red houses, scene 0")).ToBeVisibleAsync();
        await visitor.ScreenshotAsync("no-javascript-post");

        // Signed in, still without JavaScript: a like is a form that posts back to the same place.
        await visitor.SignInAsync("jun");
        await page.GotoAsync($"/@minji/{place.Words.Id()}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Like" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/@minji/{place.Words.Id()}$"));
        await Assertions.Expect(page.GetByText("1 like", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Equal(1, (await place.Minji.Client.GetJsonAsync($"/api/v1/statuses/{place.Words.Id()}"))["favourites_count"]!.GetValue<int>());
        Assert.Empty(visitor.Errors);
    }

    [Fact(Timeout = 600_000)]
    public async Task LikesAndFollowsGoThroughTheApiAndTheKeyboardReachesThem()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await Neighbourhood.PostPhotosAsync(minji, "Evening over the Taedong river #pyongyang", [(0, 1080, 1350)]);
        await app.RegisterAsync("jun");
        await using var jun = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Desktop);
        await jun.SignInAsync("jun");
        var page = jun.Page;

        await page.GotoAsync("/@minji");
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;
        await page.GetByRole(AriaRole.Button, new() { Name = "Follow" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Following" })).ToBeVisibleAsync();
        Assert.Equal(0, navigations);
        Assert.Equal(1, (await minji.Client.GetJsonAsync("/api/v1/accounts/verify_credentials"))["followers_count"]!.GetValue<int>());

        // From the top of the post's page, the keyboard alone reaches the like button, which shows where focus is.
        await page.GotoAsync($"/@minji/{post.Id()}");
        for (var presses = 0; presses < 20 && await page.EvaluateAsync<string?>("() => document.activeElement?.getAttribute('aria-label')") != "Like"; presses++)
            await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Like", await page.EvaluateAsync<string?>("() => document.activeElement?.getAttribute('aria-label')"));
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Like", Pressed = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("1 like", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Equal(1, (await minji.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}"))["favourites_count"]!.GetValue<int>());
        Assert.Empty(jun.Errors);
    }
}
