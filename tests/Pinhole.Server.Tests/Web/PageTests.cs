using System.Net;
using System.Text.RegularExpressions;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Web;

/// <summary>The web pages over plain HTTP, as a browser without JavaScript and a link-unfurling crawler see them.</summary>
public sealed partial class PageTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [GeneratedRegex("<meta (?:property|name)=\"(?<key>[^\"]+)\" content=\"(?<value>[^\"]*)\"")]
    private static partial Regex MetaTag();

    private static Dictionary<string, string> Meta(string html) =>
        MetaTag().Matches(html).GroupBy(m => m.Groups["key"].Value).ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.First().Groups["value"].Value));

    private static async Task<string> PhotoAsync(TestUser user, string description)
    {
        using var upload = await user.Client.SendUploadAsync(await TestImages.PngAsync(), "photo.png", "image/png", description);
        return (await Api.ReadSuccessAsync(upload)).Id();
    }

    [Theory]
    [InlineData("/@minji.rss")]
    [InlineData("/@minji.atom")]
    [InlineData("/tags/pyongyang.rss")]
    [InlineData("/tags/pyongyang.atom")]
    public async Task AFeedAddressIsNeverTakenForAProfileOrHashtagPage(string path)
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        await minji.PostStatusAsync("Evening #pyongyang");
        using var session = new PageSession(app);

        var page = await session.GetAsync(path);

        // The feeds' own endpoints answer here (or nothing does yet): never the HTML page of @minji or #pyongyang.
        Assert.False(page.Status == HttpStatusCode.OK && page.ContentType == "text/html", $"{path} was answered by a page");
    }

    [Fact]
    public async Task APostsEmbedAddressIsNotItsPage()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("Evening #pyongyang");
        using var session = new PageSession(app);

        var page = await session.GetAsync($"/@minji/{post.Id()}/embed");

        Assert.False(page.Status == HttpStatusCode.OK && page.Html.Contains("class=\"post-page\"", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync($"/@minji/{post.Id()}")).Status);
    }

    [Fact]
    public async Task APostPageUnfurlsWithItsPictureCaptionAndOEmbed()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await PhotoAsync(minji, "The Taedong at dusk");
        var post = await minji.PostStatusAsync("Evening over the river #pyongyang", "public", null, media);
        using var crawler = new PageSession(app);

        var page = await crawler.GetAsync($"/@minji/{post.Id()}");
        var meta = Meta(page.Html);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("article", meta["og:type"]);
        Assert.Contains("Evening over the river #pyongyang", meta["og:description"], StringComparison.Ordinal);
        Assert.Equal(post["url"]!.GetValue<string>(), meta["og:url"]);
        Assert.EndsWith(".jpg", meta["og:image"], StringComparison.Ordinal);
        Assert.Equal("The Taedong at dusk", meta["og:image:alt"]);
        Assert.Equal("summary_large_image", meta["twitter:card"]);
        Assert.Contains($"<link rel=\"canonical\" href=\"{post["url"]!.GetValue<string>()}\"", page.Html, StringComparison.Ordinal);
        Assert.Contains($"/api/oembed?url={Uri.EscapeDataString(post["url"]!.GetValue<string>())}", WebUtility.HtmlDecode(page.Html), StringComparison.Ordinal);
        Assert.Contains("alt=\"The Taedong at dusk\"", page.Html, StringComparison.Ordinal);
        Assert.Contains("href=\"/tags/pyongyang\"", page.Html.Replace(app.BaseAddress.ToString().TrimEnd('/'), "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProfileAndHashtagPagesUnfurl()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await PhotoAsync(minji, "A bridge");
        await minji.PostStatusAsync("The bridge #pyongyang", "public", null, media);
        using var crawler = new PageSession(app);

        var profile = Meta((await crawler.GetAsync("/@minji")).Html);
        var tag = Meta((await crawler.GetAsync("/tags/pyongyang")).Html);

        Assert.Equal("profile", profile["og:type"]);
        Assert.Equal("minji", profile["profile:username"]);
        Assert.Contains("@minji", profile["og:title"], StringComparison.Ordinal);
        Assert.Equal("#pyongyang", tag["og:title"]);
        Assert.EndsWith("/tags/pyongyang", tag["og:url"], StringComparison.Ordinal);
        Assert.Equal("summary_large_image", tag["twitter:card"]);
    }

    [Fact]
    public async Task EverythingPeopleWriteIsEscaped()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        const string attack = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'";
        using (var profile = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials")
        {
            Content = Api.Form(("display_name", attack[..30]), ("note", attack), ("fields_attributes[0][name]", attack), ("fields_attributes[0][value]", attack)),
        })
            await Api.ReadSuccessAsync(await minji.Client.SendAsync(profile, Cancel));
        var media = await PhotoAsync(minji, attack);
        var post = await minji.PostStatusAsync($"{attack} #pyongyang", "public", null, media);
        var jun = await app.RegisterAsync("jun");
        await jun.PostStatusAsync(attack, inReplyTo: post.Id());
        using var session = await PageSession.SignInAsync(app, "minji");

        foreach (var path in new[] { "/", "/@minji", $"/@minji/{post.Id()}", "/tags/pyongyang", "/explore", "/notifications", "/settings" })
        {
            var page = await session.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            Assert.DoesNotContain("<script>alert", page.Html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img src=x", page.Html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SigningOutRevokesTheTokenThePagesGaveTheirScripts()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("minji");
        using var session = await PageSession.SignInAsync(app, "minji");
        var home = await session.GetAsync("/");
        var token = PageSession.TokenIn(home.Html) ?? throw new InvalidOperationException("No token on the signed-in page");
        using var client = app.CreateClient().WithToken(token);
        Assert.Equal("minji", (await client.GetJsonAsync("/api/v1/accounts/verify_credentials"))["username"]!.GetValue<string>());
        Assert.NotEqual(home.Html, (await session.GetAsync("/")).Html);

        using var signedOut = await session.SubmitAsync("/", "/auth/sign_out");

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        await client.GetAsync("/api/v1/accounts/verify_credentials", Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);
        Assert.Null(PageSession.TokenIn((await session.GetAsync("/")).Html));
    }

    [Fact]
    public async Task ACopyOfTheSessionCookieIsWorthlessOnceSignedOut()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("minji");
        using var session = await PageSession.SignInAsync(app, "minji");
        var copy = new CookieContainer();
        copy.Add(session.Cookies.GetAllCookies());
        using var thief = new PageSession(app, copy);
        Assert.NotNull(PageSession.TokenIn((await thief.GetAsync("/")).Html));

        using var signedOut = await session.SubmitAsync("/", "/auth/sign_out");
        var page = await thief.GetAsync("/");

        Assert.Null(PageSession.TokenIn(page.Html));
        Assert.Contains("Create an account", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LikingFollowingAndCommentingWorkWithoutJavaScript()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("Evening #pyongyang");
        await app.RegisterAsync("jun");
        using var jun = await PageSession.SignInAsync(app, "jun");
        var postPage = $"/@minji/{post.Id()}";

        using (var follow = await jun.SubmitAsync("/@minji", "/@minji/follow"))
            Assert.Equal("/@minji", follow.Headers.Location!.OriginalString);
        using (var like = await jun.SubmitAsync(postPage, $"{postPage}/like"))
            Assert.Equal(postPage, like.Headers.Location!.OriginalString);
        var page = await jun.GetAsync(postPage);
        var form = PageSession.Fields(page.Html, $"{postPage}/comment");
        var key = form.Single(f => f.Name == "key").Value;
        foreach (var _ in new[] { 1, 2 })
        {
            // The same form sent twice (a double tap, a resend after a lost answer) makes one comment.
            using var comment = await jun.PostAsync($"{postPage}/comment", [.. form, ("status", "Which bridge is that?")]);
            Assert.Equal(HttpStatusCode.Redirect, comment.StatusCode);
        }

        var seen = await minji.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}");
        Assert.Equal(1, seen["favourites_count"]!.GetValue<int>());
        Assert.Equal(1, seen["replies_count"]!.GetValue<int>());
        Assert.Equal(1, (await minji.Client.GetJsonAsync("/api/v1/accounts/verify_credentials"))["followers_count"]!.GetValue<int>());
        Assert.NotEmpty(key);
        var after = await jun.GetAsync(postPage);
        Assert.Contains("Which bridge is that?", after.Html, StringComparison.Ordinal);
        Assert.Contains($"{postPage}/unlike", after.Html, StringComparison.Ordinal);
        Assert.Contains("Following", (await jun.GetAsync("/@minji")).Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFormWithoutItsAntiForgeryTokenIsRefusedWithAPage()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("Evening");
        await app.RegisterAsync("jun");
        using var jun = await PageSession.SignInAsync(app, "jun");

        using var like = await jun.PostAsync($"/@minji/{post.Id()}/like", ("return", "/"));

        Assert.Equal(HttpStatusCode.BadRequest, like.StatusCode);
        Assert.Equal("text/html", like.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await minji.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}"))["favourites_count"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("/@nobody", HttpStatusCode.NotFound)]
    [InlineData("/@minji/1", HttpStatusCode.NotFound)]
    [InlineData("/@nobody/followers", HttpStatusCode.NotFound)]
    [InlineData("/?max_id=yesterday", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/explore?min_id=-5", HttpStatusCode.UnprocessableEntity)]
    [InlineData("/tags/pyongyang?window=year", HttpStatusCode.BadRequest)]
    public async Task BadAddressesGetAPageSayingWhy(string path, HttpStatusCode status)
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("minji");
        using var session = new PageSession(app);

        var page = await session.GetAsync(path);

        Assert.Equal(status, page.Status);
        Assert.Equal("text/html", page.ContentType);
        Assert.Contains("<h1>", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACommentOnAPostOneCannotSeeIsRefusedAsIfItWereNotThere()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var secret = await minji.PostStatusAsync("For followers", "private");
        await app.RegisterAsync("jun");
        using var jun = await PageSession.SignInAsync(app, "jun");
        var token = PageSession.Fields((await jun.GetAsync("/settings")).Html, "/settings").Where(f => f.Name == "__RequestVerificationToken");

        using var comment = await jun.PostAsync($"/@minji/{secret.Id()}/comment", [.. token, ("status", "hello")]);

        Assert.Equal(HttpStatusCode.NotFound, comment.StatusCode);
        Assert.Equal(0, (await minji.Client.GetJsonAsync($"/api/v1/statuses/{secret.Id()}"))["replies_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task SigningUpOnThePageMakesAnAccountAndSignsIn()
    {
        await using var app = await PinholeApp.StartAsync();
        using var browser = new PageSession(app);

        using var signedUp = await browser.SubmitAsync("/auth/sign_up", "/auth/sign_up",
            ("username", "minji"), ("email", "minji@example.com"), ("password", Api.Password), ("agreement", "true"));

        Assert.Equal(HttpStatusCode.Redirect, signedUp.StatusCode);
        var token = PageSession.TokenIn((await browser.GetAsync("/explore")).Html)!;
        Assert.Equal("minji", (await app.CreateClient().WithToken(token).GetJsonAsync("/api/v1/accounts/verify_credentials"))["username"]!.GetValue<string>());
        // The same account signs in from any Mastodon app.
        using var oauth = new OAuthBrowser(app);
        Assert.NotEmpty(await oauth.SignInAppAsync("minji", Api.Password));
    }

    [Fact]
    public async Task ATakenUsernameOrShortPasswordComesBackToTheFormWithTheReason()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("minji");
        using var browser = new PageSession(app);

        using var taken = await browser.SubmitAsync("/auth/sign_up", "/auth/sign_up",
            ("username", "MINJI"), ("email", "other@example.com"), ("password", "short"), ("agreement", "true"));
        var html = await taken.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.StatusCode);
        Assert.Contains("Password is too short", html, StringComparison.Ordinal);
        Assert.Contains("value=\"MINJI\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("approval", "waits for this server")]
    [InlineData("closed", "not taking new accounts")]
    public async Task SigningUpFollowsTheServersRegistrationMode(string mode, string expected)
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Registrations"] = mode });
        using var browser = new PageSession(app);

        var form = await browser.GetAsync("/auth/sign_up");
        var html = form.Html;
        if (mode == "approval")
        {
            using var sent = await browser.SubmitAsync("/auth/sign_up", "/auth/sign_up",
                ("username", "minji"), ("email", "minji@example.com"), ("password", Api.Password), ("agreement", "true"), ("reason", "I photograph Pyongyang"));
            html = await sent.Content.ReadAsStringAsync(Cancel);
            Assert.Null(PageSession.TokenIn((await browser.GetAsync("/")).Html));
        }

        Assert.Contains(expected, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsChangeTheProfileAndMakeTheAccountPrivate()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        using var session = await PageSession.SignInAsync(app, "minji");

        using var saved = await session.SubmitAsync("/settings", "/settings",
            ("display_name", "Kim Min-ji"), ("note", "Photos from #pyongyang"), ("locked", "true"), ("data_saver", "on"));

        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var me = await minji.Client.GetJsonAsync("/api/v1/accounts/verify_credentials");
        Assert.Equal("Kim Min-ji", me["display_name"]!.GetValue<string>());
        Assert.True(me["locked"]!.GetValue<bool>());
        Assert.Contains("data saver on", (await session.GetAsync("/")).Html, StringComparison.Ordinal);

        // Unticking the box (the browser then sends only the hidden "false") opens the account again.
        using var opened = await session.SubmitAsync("/settings", "/settings", ("display_name", "Kim Min-ji"), ("locked", "false"));
        Assert.False((await minji.Client.GetJsonAsync("/api/v1/accounts/verify_credentials"))["locked"]!.GetValue<bool>());
    }

    [Fact]
    public async Task PagesAndTheirFilesLeaveCompressedAndFilesAreKeptForAYear()
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("br, gzip");

        using var page = await client.GetAsync("/", Cancel);
        var html = await ReadBrotliAsync(page);
        var stylesheet = Regex.Match(html, "href=\"(/css/pinhole\\.css\\?v=[0-9a-f]+)\"").Groups[1].Value;
        using var css = await client.GetAsync(stylesheet, Cancel);
        using var again = new HttpRequestMessage(HttpMethod.Get, stylesheet);
        again.Headers.IfNoneMatch.Add(css.Headers.ETag!);
        using var revalidated = await client.SendAsync(again, Cancel);

        Assert.Equal("br", page.Content.Headers.ContentEncoding.Single());
        Assert.Equal("br", css.Content.Headers.ContentEncoding.Single());
        Assert.Equal("public, max-age=31536000, immutable", css.Headers.CacheControl!.ToString());
        Assert.Contains("--accent", await ReadBrotliAsync(css), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        using var unversioned = await client.GetAsync("/css/pinhole.css", Cancel);
        Assert.Equal("no-cache", unversioned.Headers.CacheControl!.ToString());
    }

    private static async Task<string> ReadBrotliAsync(HttpResponseMessage response)
    {
        await using var brotli = new System.IO.Compression.BrotliStream(await response.Content.ReadAsStreamAsync(Cancel), System.IO.Compression.CompressionMode.Decompress);
        using var reader = new StreamReader(brotli);
        return await reader.ReadToEndAsync(Cancel);
    }
}
