using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Web.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Offline;

/// <summary>
/// The offline outbox: a post composed without a network, or whose upload is cut, is kept in the browser and sent
/// when the connection returns, once, without the person doing anything.
/// </summary>
public sealed class OutboxTests(Chromium chromium) : IClassFixture<Chromium>
{
    /// <summary>Reads the outbox's IndexedDB records, in the page's own origin, as "state, token: yes|no, files kept: n".</summary>
    private const string ReadOutbox = """
        () => new Promise((resolve, reject) => {
          const open = indexedDB.open('pinhole');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const all = open.result.transaction('outbox').objectStore('outbox').getAll();
            all.onsuccess = () => resolve(all.result.map(post =>
              `${post.state}, token: ${post.token ? 'yes' : 'no'}, files kept: ${post.files.filter(file => file.blob).length}`));
            all.onerror = () => reject(all.error);
          };
        })
        """;

    [Fact(Timeout = 600_000)]
    public async Task APostComposedOfflineIsSentOnceWhenTheConnectionReturnsEvenAfterItsTabWasClosed()
    {
        await using var app = await PinholeApp.StartAsync();
        await using var minji = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone);
        await minji.SignUpAsync("minji");
        var compose = minji.Page;
        await compose.GotoAsync("/compose");
        await compose.EvaluateAsync("() => navigator.serviceWorker.ready.then(() => true)");
        await Assertions.Expect(compose.GetByRole(AriaRole.Button, new() { Name = "Share" })).ToBeEnabledAsync();

        await minji.Context.SetOfflineAsync(true);
        await compose.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "kaesong.jpg", MimeType = "image/jpeg", Buffer = await TestScenes.JpegAsync(2) });
        await compose.GetByLabel("Describe photo 1 for people who cannot see it").FillAsync("Kaesong under the stars");
        await compose.GetByLabel("Caption").FillAsync("Written on the train, no signal #kaesong");
        await compose.GetByRole(AriaRole.Button, new() { Name = "Share" }).ClickAsync();

        var outbox = compose.GetByRole(AriaRole.Region, new() { Name = "Outbox" });
        await Assertions.Expect(outbox.GetByRole(AriaRole.Listitem)).ToContainTextAsync("Queued — waiting for the network");
        await Assertions.Expect(outbox).ToContainTextAsync("Written on the train, no signal #kaesong");
        await Assertions.Expect(compose.GetByText("Saved in your outbox")).ToBeVisibleAsync();
        await minji.ScreenshotAsync("outbox-queued", compose);
        using var api = app.CreateClient();
        var account = await api.GetJsonAsync("/api/v1/accounts/lookup?acct=minji");
        Assert.Empty(await api.GetArrayAsync($"/api/v1/accounts/{account.Id()}/statuses"));

        // The tab goes and the network comes back: with no page open, the service worker sends it (Background Sync).
        await compose.CloseAsync();
        await minji.Context.SetOfflineAsync(false);
        var posts = await PostsOnceReadyAsync(api, account.Id());
        var post = Assert.Single(posts)!;
        Assert.Contains("Written on the train, no signal", post["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Kaesong under the stars", Assert.Single(post["media_attachments"]!.AsArray())!["description"]!.GetValue<string>());

        // The next page shows it sent, with its link; what stays in the browser is that line: no token, no photo.
        var home = await minji.NewPageAsync();
        await home.GotoAsync("/");
        var sent = home.GetByRole(AriaRole.Region, new() { Name = "Outbox" }).GetByRole(AriaRole.Listitem);
        await Assertions.Expect(sent).ToContainTextAsync("Posted");
        await Assertions.Expect(sent.GetByRole(AriaRole.Link, new() { Name = "View post" })).ToHaveAttributeAsync("href", new Regex("^/@minji(/[0-9]+)?$"));
        await minji.ScreenshotAsync("outbox-posted", home);
        Assert.Equal(["posted, token: no, files kept: 0"], await home.EvaluateAsync<string[]>(ReadOutbox));
        Assert.DoesNotContain(minji.Errors, error => !error.Contains("ERR_INTERNET_DISCONNECTED", StringComparison.Ordinal));
    }

    [Fact(Timeout = 600_000)]
    public async Task AnUploadCutMidwayResumesFromTheServersOffsetAndALostAnswerNeverPostsTwice()
    {
        await using var app = await PinholeApp.StartAsync();
        await using var minji = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Desktop);
        await minji.SignUpAsync("minji");
        var page = minji.Page;

        // The second chunk arrives but its answer is lost, and the next two tries are cut before they leave; then
        // the first answer to the post itself is lost after the server made the post.
        var patches = new ConcurrentQueue<long>();
        var heads = 0;
        var patchTries = 0;
        await minji.Context.RouteAsync("**/api/v1/pinhole/uploads/*", async route =>
        {
            var request = route.Request;
            if (request.Method == "HEAD")
                Interlocked.Increment(ref heads);
            if (request.Method != "PATCH")
            {
                await route.ContinueAsync();
                return;
            }
            var tries = Interlocked.Increment(ref patchTries);
            if (tries is 3 or 4)
            {
                await route.AbortAsync("internetdisconnected");
                return;
            }
            patches.Enqueue(long.Parse(request.Headers["upload-offset"], CultureInfo.InvariantCulture));
            if (tries == 2)
            {
                await route.FetchAsync();
                await route.AbortAsync("connectionreset");
                return;
            }
            await route.ContinueAsync();
        });
        var statusPosts = 0;
        await minji.Context.RouteAsync("**/api/v1/statuses", async route =>
        {
            if (Interlocked.Increment(ref statusPosts) == 1)
            {
                await route.FetchAsync();
                await route.AbortAsync("connectionreset");
                return;
            }
            await route.ContinueAsync();
        });

        await page.GotoAsync("/compose");
        var photo = await TestScenes.JpegAsync(4, 4000, 5000);
        Assert.True(photo.Length > 4 * 256 * 1024, $"the photo is {photo.Length} bytes: too small to be cut in the middle");
        await page.Locator("#files").SetInputFilesAsync(new FilePayload { Name = "wonsan.jpg", MimeType = "image/jpeg", Buffer = photo });
        await page.GetByLabel("Caption").FillAsync("The beach at Wonsan");
        await page.GetByRole(AriaRole.Button, new() { Name = "Share" }).ClickAsync();
        await page.WaitForURLAsync(new Regex("/@minji(/[0-9]+)?$"), new() { Timeout = 180_000 });

        // Every chunk went once, from where the server had it: each offset is past the one before.
        var offsets = patches.ToArray();
        Assert.True(offsets.Zip(offsets.Skip(1)).All(pair => pair.Second > pair.First), string.Join(", ", offsets));
        Assert.True(heads >= 1, "it never asked the server where the upload had got to");
        Assert.True(statusPosts >= 2, $"{statusPosts} tries of the post");

        using var api = app.CreateClient();
        var account = await api.GetJsonAsync("/api/v1/accounts/lookup?acct=minji");
        var post = Assert.Single(await PostsOnceReadyAsync(api, account.Id()))!;
        Assert.Contains("The beach at Wonsan", post["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(post["media_attachments"]!.AsArray());
        Assert.DoesNotContain(minji.Errors, error => !error.Contains("net::ERR_", StringComparison.Ordinal));
    }

    [Fact(Timeout = 600_000)]
    public async Task AQueuedPostCanBeDiscardedAndIsThenNeverSent()
    {
        await using var app = await PinholeApp.StartAsync();
        await using var minji = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Desktop);
        await minji.SignUpAsync("minji");
        var page = minji.Page;
        await page.GotoAsync("/compose");
        // Share is enabled once the page's script can take the post: a person sees the page ready before the link drops.
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Share" })).ToBeEnabledAsync();

        await minji.Context.SetOfflineAsync(true);
        await page.GetByLabel("Caption").FillAsync("Second thoughts");
        await page.GetByRole(AriaRole.Button, new() { Name = "Share" }).ClickAsync();
        var outbox = page.GetByRole(AriaRole.Region, new() { Name = "Outbox" });
        await Assertions.Expect(outbox).ToContainTextAsync("Queued — waiting for the network");
        await outbox.GetByRole(AriaRole.Button, new() { Name = "Discard: Second thoughts" }).ClickAsync();
        await Assertions.Expect(outbox).ToBeHiddenAsync();

        await minji.Context.SetOfflineAsync(false);
        await page.GotoAsync("/");
        await page.GotoAsync("/compose");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New post" })).ToBeVisibleAsync();
        Assert.Empty(await page.EvaluateAsync<string[]>(ReadOutbox));
        using var api = app.CreateClient();
        var account = await api.GetJsonAsync("/api/v1/accounts/lookup?acct=minji");
        Assert.Empty(await api.GetArrayAsync($"/api/v1/accounts/{account.Id()}/statuses"));
    }

    /// <summary>The account's posts once one is out (a post may wait for its photo's processing before it shows).</summary>
    private static async Task<JsonArray> PostsOnceReadyAsync(HttpClient api, string accountId)
    {
        var path = $"/api/v1/accounts/{accountId}/statuses";
        var posts = await api.GetArrayAsync(path);
        for (var tries = 0; tries < 240 && posts.Count == 0; tries++)
        {
            await Task.Delay(500, TestContext.Current.CancellationToken);
            posts = await api.GetArrayAsync(path);
        }
        return posts;
    }
}
