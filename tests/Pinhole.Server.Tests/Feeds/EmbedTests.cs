using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Server.Tests.Organizations;

namespace Pinhole.Server.Tests.Feeds;

/// <summary>A post in a news site's article: the embed page other sites frame, and oEmbed, which hands them the frame.</summary>
public sealed partial class EmbedTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [GeneratedRegex("""(?:src|href|poster|srcset)="([^"]*)""")]
    private static partial Regex Addresses();

    [Fact]
    public async Task TheEmbedIsASmallSelfContainedPageAnySiteMayFrameShowingTheCreditAndThePlace()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours", "Koryo Tours");
        var drew = await app.RegisterAsync("drew");
        await chief.AddMemberAsync(agency, drew, "contributor");
        var photo = await drew.UploadAsync(await TestImages.JpegWithGpsAsync(1200, 900), description: "The statues at dawn");
        var post = await drew.PostAsAsync(agency, "Mansu Hill at dawn #pyongyang", ("media_ids[]", photo.Id()), ("pinhole_place[name]", "Mansu Hill"));

        using var response = await app.CreateClient().GetAsync($"/@koryotours/{post.Id()}/embed", Cancel);
        var html = await response.Content.ReadAsStringAsync(Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors *", policy, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", policy, StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("stylesheet", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"type=\"application/json+oembed\" href=\"{app.BaseAddress}api/oembed?url={Uri.EscapeDataString(post["url"]!.GetValue<string>())}\"", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.True(html.Length < 12_000, $"the embed is {html.Length} characters");
        // Everything it loads or links to is on this server.
        var addresses = Addresses().Matches(html).SelectMany(m => m.Groups[1].Value.Split(", ").Select(a => a.Split(' ')[0])).Where(a => a.Length > 0).ToList();
        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.StartsWith(app.BaseAddress.AbsoluteUri, a, StringComparison.Ordinal));
        Assert.Contains("📷 by @drew", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("📍 <a href", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("Mansu Hill", html, StringComparison.Ordinal);
        Assert.Contains("alt=\"The statues at dawn\"", html, StringComparison.Ordinal);
        Assert.Contains(post["media_attachments"]![0]!["url"]!.GetValue<string>(), html, StringComparison.Ordinal);
        // The inline style is allowed by its hash, and is the only style.
        var style = Regex.Match(html, "<style>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(style)));
        Assert.Contains($"style-src 'sha256-{hash}'", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVideoPlaysInlineInTheEmbed()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await minji.UploadAndWaitAsync(await TestVideos.PhoneClipAsync(640, 360, seconds: 1), "clip.mov", "video/quicktime");
        var post = await minji.PostStatusAsync("The metro", "public", null, clip.Id());

        var html = await app.CreateClient().GetStringAsync($"/@minji/{post.Id()}/embed", Cancel);

        Assert.Matches("<video controls[^>]* playsinline", html);
        Assert.Contains($"<source src=\"{post["media_attachments"]![0]!["url"]!.GetValue<string>()}\" type=\"video/mp4\"", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("public", HttpStatusCode.OK)]
    [InlineData("unlisted", HttpStatusCode.OK)]
    [InlineData("private", HttpStatusCode.NotFound)]
    [InlineData("direct", HttpStatusCode.NotFound)]
    public async Task OnlyPublicAndUnlistedPostsEmbedAndHaveOEmbed(string visibility, HttpStatusCode expected)
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("Children at Mansu Hill", visibility);
        var url = post["url"]!.GetValue<string>();

        using var embed = await minji.Client.GetAsync($"/@minji/{post.Id()}/embed", Cancel);
        using var oembed = await minji.Client.GetAsync($"/api/oembed?url={Uri.EscapeDataString(url)}", Cancel);

        Assert.Equal(expected, embed.StatusCode);
        Assert.Equal(expected, oembed.StatusCode);
        if (expected == HttpStatusCode.NotFound)
        {
            Assert.DoesNotContain("Children", await embed.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
            Assert.Equal("Record not found", await Api.ReadErrorAsync(oembed));
        }
    }

    [Fact]
    public async Task OEmbedGivesARichIframeOfTheEmbedWithAuthorProviderAndThumbnail()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var photo = await minji.UploadAsync(await TestImages.JpegWithGpsAsync(800, 600));
        var post = await minji.PostStatusAsync("Mansu Hill", "public", null, photo.Id());
        var url = post["url"]!.GetValue<string>();

        var oembed = await app.CreateClient().GetJsonAsync($"/api/oembed?url={Uri.EscapeDataString(url)}");
        var narrow = await app.CreateClient().GetJsonAsync($"/api/oembed?url={Uri.EscapeDataString(post["uri"]!.GetValue<string>())}&maxwidth=300&maxheight=200&format=json");

        Assert.Equal("rich", oembed["type"]!.GetValue<string>());
        Assert.Equal("1.0", oembed["version"]!.GetValue<string>());
        Assert.Equal("@minji", oembed["author_name"]!.GetValue<string>());
        Assert.Equal($"{app.BaseAddress}@minji", oembed["author_url"]!.GetValue<string>());
        Assert.Equal("Pinhole", oembed["provider_name"]!.GetValue<string>());
        Assert.Equal(app.BaseAddress.AbsoluteUri, oembed["provider_url"]!.GetValue<string>());
        Assert.Equal(post["media_attachments"]![0]!["preview_url"]!.GetValue<string>(), oembed["thumbnail_url"]!.GetValue<string>());
        Assert.True(oembed["thumbnail_width"]!.GetValue<int>() > 0);
        Assert.Equal(400, oembed["width"]!.GetValue<int>());
        // A 4:3 photo at 400 wide is 300 high, plus the header, text and footer.
        Assert.InRange(oembed["height"]!.GetValue<int>(), 400, 520);
        var html = oembed["html"]!.GetValue<string>();
        Assert.StartsWith($"<iframe src=\"{url}/embed\"", html, StringComparison.Ordinal);
        Assert.Contains("width=\"400\"", html, StringComparison.Ordinal);
        Assert.Equal((300, 200), (narrow["width"]!.GetValue<int>(), narrow["height"]!.GetValue<int>()));
    }

    [Fact]
    public async Task OEmbedRefusesXmlAndAnswersNotFoundForLinksThatAreNotPostsHere()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("Mansu Hill");
        var url = post["url"]!.GetValue<string>();
        using var client = app.CreateClient();

        await client.GetAsync($"/api/oembed?url={Uri.EscapeDataString(url)}&format=xml", Cancel).ExpectErrorAsync(HttpStatusCode.NotImplemented);
        foreach (var other in new[] { "", "not a url", $"https://elsewhere.example/@minji/{post.Id()}", $"{app.BaseAddress}@someoneelse/{post.Id()}",
                     $"{app.BaseAddress}@minji", $"{app.BaseAddress}@minji/12345", $"{app.BaseAddress}tags/pyongyang", new string('x', 10_000) })
            await client.GetAsync($"/api/oembed?url={Uri.EscapeDataString(other)}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await client.GetAsync($"/api/oembed?url={Uri.EscapeDataString(url)}&maxwidth=wide", Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await client.GetAsync($"/api/oembed?url={Uri.EscapeDataString(url)}&maxwidth=10", Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }
}
