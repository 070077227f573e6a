namespace Pinhole.Web.Tests.Infrastructure;

/// <summary>
/// One headless Chromium (Debian's, driven by Playwright) for a test class; each test opens its own browser
/// contexts on it, so cookies, storage and service workers never leak from one test to the next.
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        // Generous: the machine running the suite may be busy with other work.
        Assertions.SetDefaultExpectTimeout(30_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PINHOLE_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            // Without the background-networking flags Chromium keeps trying hosts this machine cannot reach.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage"],
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
            await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}
