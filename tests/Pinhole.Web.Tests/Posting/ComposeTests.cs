using System.Text.RegularExpressions;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Web.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Posting;

/// <summary>Posting from the compose page: a photo through the resumable upload endpoint, its filter, alt text and caption.</summary>
public sealed class ComposeTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact(Timeout = 600_000)]
    public async Task APhotoWithAFilterAndACaptionIsPostedEvenWhenTheLinkDropsMidUpload()
    {
        await using var app = await PinholeApp.StartAsync();
        await using var minji = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone);
        await minji.SignUpAsync("minji");
        var page = minji.Page;

        // The link drops on the first try of the upload's bytes: the page asks where the server got to and goes on.
        var patches = 0;
        await page.RouteAsync("**/api/v1/pinhole/uploads/*", async route =>
        {
            if (route.Request.Method == "PATCH" && Interlocked.Increment(ref patches) == 1)
                await route.AbortAsync("connectionreset");
            else
                await route.ContinueAsync();
        });

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "New post" }).ClickAsync();
        await page.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "taedong.jpg", MimeType = "image/jpeg", Buffer = await TestScenes.JpegAsync(0) });
        await page.GetByLabel("Describe photo 1 for people who cannot see it").FillAsync("The Taedong at dusk");
        await page.GetByText("Warm", new() { Exact = true }).ClickAsync();
        await page.GetByLabel("Caption").FillAsync("Evening over the river #pyongyang");
        await minji.ScreenshotAsync("compose-photo");
        await page.GetByRole(AriaRole.Button, new() { Name = "Share" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/@minji(/[0-9]+)?$"));
        Assert.True(patches >= 2, $"{patches} PATCH requests");
        using var api = app.CreateClient();
        var account = await api.GetJsonAsync("/api/v1/accounts/lookup?acct=minji");
        // Held or posted at once: either way it is out once its photo is ready.
        System.Text.Json.Nodes.JsonArray posts = [];
        for (var tries = 0; tries < 120 && posts.Count == 0; tries++)
        {
            posts = await api.GetArrayAsync($"/api/v1/accounts/{account.Id()}/statuses");
            if (posts.Count == 0)
                await Task.Delay(500, TestContext.Current.CancellationToken);
        }
        var post = Assert.Single(posts)!;
        Assert.Contains("Evening over the river", post["content"]!.GetValue<string>(), StringComparison.Ordinal);
        var media = Assert.Single(post["media_attachments"]!.AsArray())!;
        Assert.Equal("The Taedong at dusk", media["description"]!.GetValue<string>());
        Assert.Equal("warm", media["pinhole"]!["filter"]!.GetValue<string>());

        // It shows on the profile grid and on the hashtag page.
        await page.GotoAsync("/@minji");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "minji: The Taedong at dusk" })).ToBeVisibleAsync();
        await page.GotoAsync("/tags/pyongyang?window=day");
        await Assertions.Expect(page.GetByText("Evening over the river")).ToBeVisibleAsync();
        await minji.ScreenshotAsync("compose-posted");
        // The one error logged is the dropped link itself.
        Assert.DoesNotContain(minji.Errors, error => !error.Contains("net::ERR_CONNECTION_RESET", StringComparison.Ordinal));
    }
}
