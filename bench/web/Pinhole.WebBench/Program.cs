using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using Pinhole.WebBench;

// The page-weight benchmark (issue 7's budgets): against a running server, makes an account with one photo post per
// file in --photos, then in headless Chromium measures what the home page costs on a first visit, what a later page
// costs with the cache warm, and what the home feed of those photo posts costs in data-saver mode, all from the
// browser's network log. Prints a markdown table.
//
//   Pinhole.WebBench --url http://127.0.0.1:PORT --photos DIR [--chromium /usr/bin/chromium]

var options = Arguments(args);
if (!options.TryGetValue("url", out var url) || !options.TryGetValue("photos", out var photoDir))
{
    Console.Error.WriteLine("usage: Pinhole.WebBench --url URL --photos DIR [--chromium PATH]");
    return 2;
}
var server = new Uri(url);
var photos = Directory.GetFiles(photoDir, "*.jpg").Order(StringComparer.Ordinal).ToList();
var username = $"reader{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}";
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(20));
using (var http = new HttpClient())
    await new Dataset(http, server).CreateAsync(username, photos, cancel.Token);
Console.Error.WriteLine($"[web] {username} posted {photos.Count} photos");

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = options.GetValueOrDefault("chromium", "/usr/bin/chromium"),
    Headless = true,
    // Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
    Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-dev-shm-usage"],
});

// The phone the budgets are for: 360 CSS pixels wide at twice the density, so srcset picks what a phone would.
async Task<(IBrowserContext Context, IPage Page, WireMeter Meter)> PhoneAsync(bool dataSaver)
{
    var context = await browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = server.ToString().TrimEnd('/'),
        ViewportSize = new ViewportSize { Width = 360, Height = 740 },
        DeviceScaleFactor = 2,
        IsMobile = true,
        HasTouch = true,
    });
    if (dataSaver)
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = "pinhole_data_saver", Value = "on", Url = server.ToString() }]);
    var page = await context.NewPageAsync();
    await page.GotoAsync("/auth/sign_in");
    await page.GetByLabel("Username or e-mail").FillAsync(username);
    await page.GetByLabel("Password").FillAsync(Dataset.Password);
    await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    await page.WaitForURLAsync(address => !address.Contains("/auth/sign_in", StringComparison.Ordinal));
    var meter = await WireMeter.AttachAsync(context, page);
    // Signing in loaded the stylesheet and scripts: forget them, so the home page is a first visit.
    await meter.ClearCacheAsync();
    meter.Reset();
    return (context, page, meter);
}

var quiet = TimeSpan.FromSeconds(2);
var atMost = TimeSpan.FromSeconds(60);
string[] text = ["Document", "Stylesheet", "Script"];

var (plain, page, meter) = await PhoneAsync(dataSaver: false);
await page.GotoAsync("/");
await meter.SettleAsync(quiet, atMost);
var first = meter.Count(text);
var firstAll = meter.Count();

meter.Reset();
await page.GotoAsync($"/@{username}");
await meter.SettleAsync(quiet, atMost);
var later = meter.Count(text);
var laterAll = meter.Count();
await plain.CloseAsync();

var (saver, feedPage, feedMeter) = await PhoneAsync(dataSaver: true);
await feedPage.GotoAsync("/");
await feedMeter.SettleAsync(quiet, atMost);
var feedFirstScreen = feedMeter.Count();
// Down the whole feed, so every photo (lazy below the fold) is fetched: the feed's full cost, not its first screen.
await feedPage.EvaluateAsync("""
    async () => {
      for (let y = 0; y <= document.body.scrollHeight; y += innerHeight / 2) {
        scrollTo(0, y);
        await new Promise(resolve => setTimeout(resolve, 150));
      }
    }
    """);
await feedMeter.SettleAsync(quiet, atMost);
var feedImages = await feedPage.Locator("main img[src*='/media/'], main img[srcset]").CountAsync();
var loadedImages = await feedPage.EvaluateAsync<int>("() => [...document.querySelectorAll('main img')].filter(i => i.complete && i.naturalWidth > 0 && i.currentSrc.includes('/media/')).length");
var feed = feedMeter.Count();
var feedPictures = feedMeter.Count("Image");
await saver.CloseAsync();

// The service worker's script and its one import are fetched by the browser for the worker, not by the page, so the
// page's network log does not show them; they are counted here as the server sends them (Brotli), once per version.
long worker;
using (var http = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }))
{
    worker = 0;
    foreach (var path in new[] { "/sw.js", "/js/outbox.js" })
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, path));
        request.Headers.AcceptEncoding.ParseAdd("br");
        using var response = await http.SendAsync(request, cancel.Token);
        worker += (await response.Content.ReadAsByteArrayAsync(cancel.Token)).Length;
    }
}

static string Kb(long bytes) => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture);
static string Met(long bytes, int budgetKb) => bytes <= budgetKb * 1024L ? "met" : "**not met**";
Console.WriteLine("| measure | budget | measured | responses | |");
Console.WriteLine("|---|---:|---:|---:|---|");
Console.WriteLine($"| home, first visit (cold cache): HTML + CSS + JS | 60 KB | {Kb(first.Bytes)} KB | {first.Responses} | {Met(first.Bytes, 60)} |");
Console.WriteLine($"| home, first visit: everything (with pictures, avatars, icons) | — | {Kb(firstAll.Bytes)} KB | {firstAll.Responses} | |");
Console.WriteLine($"| a later page (a profile, warm cache): HTML + CSS + JS | 15 KB | {Kb(later.Bytes)} KB | {later.Responses} | {Met(later.Bytes, 15)} |");
Console.WriteLine($"| a later page: everything | — | {Kb(laterAll.Bytes)} KB | {laterAll.Responses} | |");
Console.WriteLine($"| home feed of {photos.Count} photo posts, data saver, first visit, scrolled to the end: everything | 400 KB | {Kb(feed.Bytes)} KB | {feed.Responses} | {Met(feed.Bytes, 400)} |");
Console.WriteLine($"| … of which pictures ({loadedImages} of {feedImages} feed pictures loaded) | — | {Kb(feedPictures.Bytes)} KB | {feedPictures.Responses} | |");
Console.WriteLine($"| the same feed, first screen only (the pictures below it are lazy): everything | — | {Kb(feedFirstScreen.Bytes)} KB | {feedFirstScreen.Responses} | |");
Console.WriteLine($"| service worker script + its import, once per version (outside the page's log) | — | {Kb(worker)} KB | 2 | |");
return first.Bytes <= 60 * 1024 && later.Bytes <= 15 * 1024 && feed.Bytes <= 400 * 1024 ? 0 : 1;

static Dictionary<string, string> Arguments(string[] args)
{
    var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
    for (var i = 0; i + 1 < args.Length; i += 2)
        parsed[args[i].TrimStart('-')] = args[i + 1];
    return parsed;
}
