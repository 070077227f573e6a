using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Web.Tests.Infrastructure;

namespace Pinhole.Web.Tests.DataSaver;

/// <summary>The data saver: only the smallest WebP files, and each picture's BlurHash painted while it is on its way.</summary>
public sealed class DataSaverTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact(Timeout = 600_000)]
    public async Task WithTheDataSaverOnAFeedLoadsOnlyThe320PxFilesAndShowsBlurHashesMeanwhile()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var posts = new List<JsonNode>();
        for (var i = 0; i < 3; i++)
            posts.Add(await Neighbourhood.PostPhotosAsync(minji, $"View {i} #pyongyang", [(i, 1600, 1067)]));
        var small = posts.SelectMany(p => p["media_attachments"]!.AsArray())
            .SelectMany(m => m!["pinhole"]!["renditions"]!.AsArray())
            .Where(r => r!["name"]!.GetValue<string>() == "320" && r["content_type"]!.GetValue<string>() == "image/webp")
            .Select(r => new Uri(r!["url"]!.GetValue<string>()).AbsolutePath)
            .ToHashSet();
        Assert.Equal(3, small.Count);

        await using var visitor = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone);
        var page = visitor.Page;
        await page.GotoAsync("/settings");
        await page.GetByLabel("On", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        // Pictures arrive slowly, as on 3G, so the placeholders are there to be seen.
        var pictures = new List<string>();
        await page.RouteAsync(url => url.Contains("/media/", StringComparison.Ordinal) || url.EndsWith(".webp", StringComparison.Ordinal), async route =>
        {
            lock (pictures)
                pictures.Add(new Uri(route.Request.Url).AbsolutePath);
            await Task.Delay(2000);
            await route.ContinueAsync();
        });
        await page.GotoAsync("/tags/pyongyang");
        var first = page.Locator("article.post img.frame").First;
        await Assertions.Expect(first).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("blurred"));
        Assert.StartsWith("url(\"data:image/png", await first.EvaluateAsync<string>("image => image.style.backgroundImage"), StringComparison.Ordinal);
        Assert.Null(await first.GetAttributeAsync("srcset"));
        await visitor.ScreenshotAsync("data-saver");

        // Every picture in (the page never goes quiet on the network: its live stream stays open).
        await page.WaitForFunctionAsync("() => [...document.images].every(image => image.complete)");
        lock (pictures)
        {
            Assert.NotEmpty(pictures);
            Assert.All(pictures, picture => Assert.Contains(picture, small));
        }
        Assert.Empty(visitor.Errors);
    }
}
