using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Infrastructure;

/// <summary>The screens the pages are made for: a 360 px phone and a desktop.</summary>
public enum Screen
{
    Phone,
    Desktop,
}

/// <summary>
/// One person's browser on a running server: a Chromium context of its own (cookies, storage, service worker) at a
/// phone's or a desktop's size, which records the script errors and policy violations its pages log, and saves
/// screenshots under the test output's <c>screenshots/</c> folder.
/// </summary>
public sealed class WebBrowser : IAsyncDisposable
{
    private readonly List<string> _errors = [];

    private readonly bool _javaScript;

    private WebBrowser(IBrowserContext context, IPage page, Screen screen, bool javaScript)
    {
        Context = context;
        Page = page;
        Screen = screen;
        _javaScript = javaScript;
        Watch(page);
    }

    public IBrowserContext Context { get; }

    /// <summary>The first tab.</summary>
    public IPage Page { get; }

    public Screen Screen { get; }

    /// <summary>Everything pages logged as an error (a script failure, a Content-Security-Policy violation).</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
                return [.. _errors];
        }
    }

    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "screenshots");

    public static async Task<WebBrowser> OpenAsync(Chromium chromium, Uri baseAddress, Screen screen = Screen.Phone, bool javaScript = true,
        ColorScheme colorScheme = ColorScheme.Light)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            JavaScriptEnabled = javaScript,
            ColorScheme = colorScheme,
            Locale = "en-GB",
            TimezoneId = "Asia/Pyongyang",
        };
        if (screen == Screen.Phone)
        {
            options.ViewportSize = new ViewportSize { Width = 360, Height = 740 };
            options.DeviceScaleFactor = 2;
            options.IsMobile = true;
            options.HasTouch = true;
        }
        else
        {
            options.ViewportSize = new ViewportSize { Width = 1280, Height = 800 };
        }
        var context = await chromium.Browser.NewContextAsync(options);
        // Generous: the machine running the suite may be busy with other work.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        return new WebBrowser(context, await context.NewPageAsync(), screen, javaScript);
    }

    /// <summary>Another tab in the same browser.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var page = await Context.NewPageAsync();
        Watch(page);
        return page;
    }

    /// <summary>The screen's width in CSS pixels.</summary>
    public int Width => Screen == Screen.Phone ? 360 : 1280;

    /// <summary>
    /// Saves the whole page as <c>screenshots/{name}-{phone|desktop}.png</c>, after scrolling through it so that
    /// pictures loaded lazily are there too (with JavaScript off, timers do not run: the page is taken as it is).
    /// </summary>
    public async Task ScreenshotAsync(string name, IPage? page = null)
    {
        page ??= Page;
        if (_javaScript)
            await page.EvaluateAsync("""
            async () => {
              for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
                scrollTo(0, y);
                await new Promise(resolve => setTimeout(resolve, 50));
              }
              scrollTo(0, 0);
              const loaded = [...document.images].filter(image => !image.complete).map(image => new Promise(resolve => {
                image.addEventListener('load', resolve);
                image.addEventListener('error', resolve);
              }));
              await Promise.race([Promise.all(loaded), new Promise(resolve => setTimeout(resolve, 5000))]);
            }
            """);
        Directory.CreateDirectory(ScreenshotFolder);
        await page.ScreenshotAsync(new PageScreenshotOptions
        {
            Path = Path.Combine(ScreenshotFolder, $"{name}-{Screen.ToString().ToLowerInvariant()}.png"),
            FullPage = true,
        });
    }

    /// <summary>Creates an account through the sign-up page; the browser is then signed in as it.</summary>
    public async Task SignUpAsync(string username)
    {
        await Page.GotoAsync("/auth/sign_up");
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("E-mail").FillAsync($"{username}@example.com");
        await Page.GetByLabel("Password").FillAsync(Api.Password);
        await Page.GetByLabel("I agree").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign up" }).ClickAsync();
        await Page.WaitForURLAsync("**/explore");
    }

    /// <summary>Signs in through the sign-in page as someone registered through the API.</summary>
    public async Task SignInAsync(string username)
    {
        await Page.GotoAsync("/auth/sign_in");
        await Page.GetByLabel("Username or e-mail").FillAsync(username);
        await Page.GetByLabel("Password").FillAsync(Api.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForURLAsync(url => !url.Contains("/auth/sign_in", StringComparison.Ordinal));
    }

    private void Watch(IPage page)
    {
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                lock (_errors)
                    _errors.Add($"{page.Url}: {message.Text}");
        };
        page.PageError += (_, error) =>
        {
            lock (_errors)
                _errors.Add($"{page.Url}: {error}");
        };
    }

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
