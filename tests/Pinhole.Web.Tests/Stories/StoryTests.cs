using System.Text.RegularExpressions;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Web.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Stories;

/// <summary>The stories in Chromium, each as a person would go through it.</summary>
public sealed class StoryTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact(Timeout = 600_000)]
    public async Task ASecondPersonFollowsSeesThePhotoAtHomeLikesItAndComments()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await Neighbourhood.PostPhotosAsync(minji, "Evening over the Taedong river #pyongyang", [(0, 1080, 1350)]);
        await using var jun = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone);
        await jun.SignUpAsync("jun");
        var page = jun.Page;

        await page.GotoAsync("/@minji");
        await page.GetByRole(AriaRole.Button, new() { Name = "Follow" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Following" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Home", Exact = true }).ClickAsync();
        var card = page.Locator($"article[data-id=\"{post.Id()}\"]");
        await Assertions.Expect(card).ToContainTextAsync("Evening over the Taedong river");
        await card.GetByRole(AriaRole.Button, new() { Name = "Like" }).ClickAsync();
        await Assertions.Expect(card.GetByText("1 like", new() { Exact = true })).ToBeVisibleAsync();

        await page.GotoAsync($"/@minji/{post.Id()}");
        await page.GetByLabel("Add a comment").FillAsync("Which bridge is that?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Post", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator(".comment-list")).ToContainTextAsync("Which bridge is that?");

        var seen = await minji.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}");
        Assert.Equal(1, seen["favourites_count"]!.GetValue<int>());
        Assert.Equal(1, seen["replies_count"]!.GetValue<int>());
        Assert.Empty(jun.Errors);
    }

    [Fact(Timeout = 600_000)]
    public async Task AVideoPostPlays()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await minji.UploadAsync(await TestVideos.PhoneClipAsync(extension: "mp4"), "clip.mp4", "video/mp4", "The square at noon");
        using (var ready = await minji.WaitForMediaAsync(media.Id()))
            await Api.ReadSuccessAsync(ready);
        var post = await minji.PostStatusAsync("Noon on the square #pyongyang", "public", null, media.Id());
        await using var visitor = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Desktop);
        var page = visitor.Page;

        await page.GotoAsync($"/@minji/{post.Id()}");
        var video = page.GetByLabel("The square at noon");
        await video.EvaluateAsync("video => { video.muted = true; return video.play(); }");
        await page.WaitForFunctionAsync("() => document.querySelector('video').readyState >= 2 && document.querySelector('video').currentTime > 0");
        await visitor.ScreenshotAsync("video");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"/@minji/{post.Id()}$"));
        Assert.Empty(visitor.Errors);
    }
}
