using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Server.Tests.Organizations;

namespace Pinhole.Server.Tests.Feeds;

/// <summary>RSS and Atom, read by feedparser (an npm parser in strict XML mode), as a news site's readers would follow a Pinhole account.</summary>
public sealed class FeedTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<JsonNode> ReadAsync(PinholeApp app, string path) => NodeFeedParser.ParseAsync(new Uri(app.BaseAddress, path));

    private static List<string?> Links(JsonNode feed) => feed["items"]!.AsArray().Select(i => i!["link"]?.GetValue<string>()).ToList();

    [Fact]
    public async Task AnAccountsFeedsCarryItsPublicPostsOnlyWithEachPhotoAsAnEnclosureOfTheServedFilesTypeAndSize()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");
        var photo = await minji.UploadAsync(await TestImages.JpegWithGpsAsync(800, 600), description: "Statues on Mansu Hill");
        var second = await minji.UploadAsync(await TestImages.PngAsync(), description: "A map");
        var open = await minji.PostStatusAsync("Mansu Hill at dawn & \"quiet\" #Pyongyang", "public", null, photo.Id(), second.Id());
        await minji.PostStatusAsync("Unlisted", "unlisted");
        await minji.PostStatusAsync("Followers only", "private");
        await minji.PostStatusAsync("@other direct", "direct");
        var elsewhere = await other.PostStatusAsync("Elsewhere");
        await minji.PostStatusAsync("A reply to someone else", "public", elsewhere.Id());

        var rss = await ReadAsync(app, "/@minji.rss");
        var atom = await ReadAsync(app, "/@minji.atom");

        Assert.Equal("application/rss+xml; charset=utf-8", rss["contentType"]!.GetValue<string>());
        Assert.Equal("application/atom+xml; charset=utf-8", atom["contentType"]!.GetValue<string>());
        Assert.Equal(("rss", "2.0"), (rss["type"]!.GetValue<string>(), rss["version"]!.GetValue<string>()));
        Assert.Equal(("atom", "1.0"), (atom["type"]!.GetValue<string>(), atom["version"]!.GetValue<string>()));
        Assert.Equal($"{app.BaseAddress}@minji.rss", rss["xmlurl"]!.GetValue<string>());
        foreach (var feed in new[] { rss, atom })
        {
            Assert.Equal([open["url"]!.GetValue<string>()], Links(feed));
            var item = feed["items"]![0]!;
            Assert.Equal("Mansu Hill at dawn & \"quiet\" #Pyongyang", item["title"]!.GetValue<string>());
            Assert.Equal(open["created_at"]!.GetValue<string>()[..19], item["pubdate"]!.GetValue<string>()[..19]);
            Assert.Contains("pyongyang", item["categories"]!.AsArray().Select(c => c!.GetValue<string>()));
            var media = open["media_attachments"]!.AsArray();
            var expected = media.Select(m => m!["url"]!.GetValue<string>()).ToList();
            // RSS has one enclosure per item and every media as media:content (a reader gathers both); Atom has an enclosure link for each.
            var enclosures = item["enclosures"]!.AsArray();
            Assert.Equal(expected, enclosures.Select(e => e!["url"]!.GetValue<string>()));
            foreach (var enclosure in enclosures)
            {
                using var served = await app.CreateClient().GetAsync(enclosure!["url"]!.GetValue<string>(), Cancel);
                var bytes = await served.Content.ReadAsByteArrayAsync(Cancel);
                Assert.Equal(bytes.Length, enclosure["length"]!.GetValue<long>());
                Assert.Equal(served.Content.Headers.ContentType!.MediaType, enclosure["type"]!.GetValue<string>());
            }
            if (feed == rss)
                Assert.Equal(expected, item["media"]!.AsArray().Select(m => m!["url"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task AVideoIsAnEnclosureOfItsServedMp4()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var clip = await minji.UploadAndWaitAsync(await TestVideos.PhoneClipAsync(640, 360, seconds: 1), "clip.mov", "video/quicktime");
        var post = await minji.PostStatusAsync("The metro", "public", null, clip.Id());

        var enclosure = (await ReadAsync(app, "/@minji.atom"))["items"]![0]!["enclosures"]![0]!;

        Assert.Equal(post["media_attachments"]![0]!["url"]!.GetValue<string>(), enclosure["url"]!.GetValue<string>());
        Assert.Equal("video/mp4", enclosure["type"]!.GetValue<string>());
        using var served = await app.CreateClient().GetAsync(enclosure["url"]!.GetValue<string>(), Cancel);
        Assert.Equal((await served.Content.ReadAsByteArrayAsync(Cancel)).Length, enclosure["length"]!.GetValue<long>());
    }

    [Fact]
    public async Task AnOrganisationsFeedCreditsEachPostsMakerWhoChoseCredit()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours", "Koryo Tours");
        var drew = await app.RegisterAsync("drew");
        var sol = await app.RegisterAsync("sol");
        await chief.AddMemberAsync(agency, drew, "contributor");
        await chief.AddMemberAsync(agency, sol, "contributor", credited: false);
        await drew.PostAsAsync(agency, "Kaesong");
        await sol.PostAsAsync(agency, "Wonsan");

        var rss = await ReadAsync(app, "/@koryotours.rss");
        var atom = await ReadAsync(app, "/@koryotours.atom");

        Assert.Equal(["@koryotours", "@drew"], rss["items"]!.AsArray().Select(i => i!["creator"]!.GetValue<string>()));
        Assert.Contains("📷 by @drew", rss["items"]![1]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("📷", rss["items"]![0]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal([string.Empty, "@drew"], atom["items"]!.AsArray().Select(i => string.Join(",", i!["contributors"]!.AsArray().Select(c => c!.GetValue<string>()))));
        Assert.Equal("Koryo Tours (@koryotours)", atom["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task APostAtMansuHillIsInThePlacesFeedAndItsHashtagsFeed()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var here = await minji.Client.PostFormAsync("/api/v1/statuses", ("status", "Flowers at the statues #Pyongyang"),
            ("pinhole_place[name]", "Mansu Hill"), ("pinhole_place[latitude]", "39.03"), ("pinhole_place[longitude]", "125.75"));
        var place = here["pinhole"]!["place"]!.Id();
        await minji.Client.PostFormAsync("/api/v1/statuses", ("status", "Private, same hill #Pyongyang"), ("visibility", "private"), ("pinhole_place_id", place));
        await minji.PostStatusAsync("Not there #Pyongyang", "unlisted");

        foreach (var path in new[] { $"/places/{place}.rss", $"/places/{place}.atom", "/tags/pyongyang.rss", "/tags/Pyongyang.atom" })
        {
            var feed = await ReadAsync(app, path);
            Assert.Equal([here["url"]!.GetValue<string>()], Links(feed));
            Assert.Contains("Mansu Hill", feed["items"]![0]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        Assert.Equal("📍 Mansu Hill", (await ReadAsync(app, $"/places/{place}.rss"))["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task FeedsOfNobodyNoTagAndAPlaceNoOneMaySeeAreNotFound()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var secret = await minji.Client.PostFormAsync("/api/v1/statuses", ("status", "Here"), ("visibility", "private"), ("pinhole_place[name]", "Safe flat"));
        using var client = app.CreateClient();

        foreach (var path in new[] { "/@nobody.rss", "/@nobody.atom", "/tags/neverused.rss", $"/places/{secret["pinhole"]!["place"]!.Id()}.rss", "/places/1.atom" })
        {
            using var response = await client.GetAsync(path, Cancel);
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        }
    }
}
