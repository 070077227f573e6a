using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Instance;

public sealed class InstanceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheInstanceReportsItsRealLimits()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?>
        {
            ["Pinhole:Title"] = "Pyongyang Photos",
            ["Pinhole:Statuses:MaxMediaAttachments"] = "4",
            ["Pinhole:Media:MaxImageBytes"] = "1048576",
            ["Pinhole:Registrations"] = "approval",
        });
        using var client = app.CreateClient();

        var v2 = await client.GetJsonAsync("/api/v2/instance");
        var v1 = await client.GetJsonAsync("/api/v1/instance");

        Assert.Equal(app.BaseAddress.Authority, v2["domain"]!.GetValue<string>());
        Assert.Equal("Pyongyang Photos", v2["title"]!.GetValue<string>());
        Assert.StartsWith("4.", v2["version"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(500, v2["configuration"]!["statuses"]!["max_characters"]!.GetValue<int>());
        Assert.Equal(4, v2["configuration"]!["statuses"]!["max_media_attachments"]!.GetValue<int>());
        Assert.Equal(1048576, v2["configuration"]!["media_attachments"]!["image_size_limit"]!.GetValue<int>());
        Assert.Contains("image/heic", v2["configuration"]!["media_attachments"]!["supported_mime_types"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(v2["registrations"]!["approval_required"]!.GetValue<bool>());
        Assert.Equal(app.BaseAddress.Authority, v1["uri"]!.GetValue<string>());
        Assert.True(v1["approval_required"]!.GetValue<bool>());
        Assert.Equal(4, v1["configuration"]!["statuses"]!["max_media_attachments"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheInstanceCountsPeopleAndPosts()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        await minji.PostStatusAsync("one");
        await minji.PostStatusAsync("two");

        var v1 = await minji.Client.GetJsonAsync("/api/v1/instance");
        var nodeinfo = await minji.Client.GetJsonAsync("/nodeinfo/2.0");

        Assert.Equal(1, v1["stats"]!["user_count"]!.GetValue<int>());
        Assert.Equal(2, v1["stats"]!["status_count"]!.GetValue<int>());
        Assert.Equal(1, (await minji.Client.GetJsonAsync("/api/v2/instance"))["usage"]!["users"]!["active_month"]!.GetValue<int>());
        Assert.Equal("pinhole", nodeinfo["software"]!["name"]!.GetValue<string>());
        Assert.Equal(1, nodeinfo["usage"]!["users"]!["total"]!.GetValue<int>());
        Assert.Equal(2, nodeinfo["usage"]!["localPosts"]!.GetValue<int>());
        Assert.True(nodeinfo["openRegistrations"]!.GetValue<bool>());
    }

    [Fact]
    public async Task NodeInfoIsDiscoverable()
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();

        var links = await client.GetJsonAsync("/.well-known/nodeinfo");

        Assert.Equal(app.BaseAddress + "nodeinfo/2.0", links["links"]![0]!["href"]!.GetValue<string>());
    }

    [Fact]
    public async Task WebFingerFindsLocalAccountsOnly()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("minji");
        using var client = app.CreateClient();
        var domain = app.BaseAddress.Authority;

        using var response = await client.GetAsync($"/.well-known/webfinger?resource=acct:MinJi@{domain}", Cancel);
        var found = await Api.ReadSuccessAsync(response);

        Assert.Equal("application/jrd+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal($"acct:minji@{domain}", found["subject"]!.GetValue<string>());
        Assert.Equal(app.BaseAddress + "@minji", found["links"]![0]!["href"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/.well-known/webfinger?resource=acct:minji@elsewhere.example", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/.well-known/webfinger?resource=acct:nobody@{domain}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/.well-known/webfinger", Cancel)).StatusCode);
    }

    [Fact]
    public async Task APublicUrlSettingDecidesTheDomainAndEveryLink()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:PublicUrl"] = "https://pinhole.example" });
        var minji = await app.RegisterAsync("minji");

        var post = await minji.PostStatusAsync("#pyongyang");

        Assert.Equal("pinhole.example", (await minji.Client.GetJsonAsync("/api/v2/instance"))["domain"]!.GetValue<string>());
        Assert.StartsWith("https://pinhole.example/@minji/", post["url"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("https://pinhole.example/tags/pyongyang", post["tags"]![0]!["url"]!.GetValue<string>());
        Assert.Equal("wss://pinhole.example", (await minji.Client.GetJsonAsync("/api/v2/instance"))["configuration"]!["urls"]!["streaming"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheFrontPageTellsABrowserHowToJoin()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Title"] = "Photos <from> Pyongyang" });
        await app.RegisterAsync("minji");
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/", Cancel);
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Photos &lt;from&gt; Pyongyang", html, StringComparison.Ordinal);
        Assert.Contains(app.BaseAddress.Authority, html, StringComparison.Ordinal);
        Assert.Contains("<strong>1</strong> person", html, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task ABrowserGetsPlainTextForAMissingPageAndAnAppGetsJson()
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();

        using var page = await client.GetAsync("/no/such/page", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/plain", page.Content.Headers.ContentType!.MediaType);
        await client.GetAsync("/api/v1/no/such/endpoint", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task HealthAnswersWithoutAuthentication()
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();

        Assert.Equal("Healthy", await client.GetStringAsync("/health", Cancel));
    }
}
