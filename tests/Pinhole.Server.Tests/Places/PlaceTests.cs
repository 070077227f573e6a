using System.Net;
using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Places;

/// <summary>Places: where a photo was taken, as its author named it, with coordinates too coarse to find a person by.</summary>
public sealed class PlaceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<JsonNode> PostAtAsync(TestUser user, string text, string visibility, params (string Key, string Value)[] place) =>
        user.Client.PostFormAsync("/api/v1/statuses", [("status", text), ("visibility", visibility), .. place]);

    [Fact]
    public async Task APostAtMansuHillAppearsOnThePlaceAndItsTimeline()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var drew = await app.RegisterAsync("drew");

        var first = await PostAtAsync(minji, "Flowers laid at the statues", "public",
            ("pinhole_place[name]", "Mansu Hill, Pyongyang"), ("pinhole_place[latitude]", "39.0312"), ("pinhole_place[longitude]", "125.7525"));
        var place = first["pinhole"]!["place"]!;
        var second = await PostAtAsync(drew, "Mansu Hill at dusk", "public", ("pinhole_place_id", place.Id()));
        await PostAtAsync(drew, "Elsewhere", "public");

        Assert.Equal("Mansu Hill, Pyongyang", place["name"]!.GetValue<string>());
        Assert.Equal($"{app.BaseAddress}places/{place.Id()}", place["url"]!.GetValue<string>());
        var fetched = await app.CreateClient().GetJsonAsync($"/api/v1/pinhole/places/{place.Id()}");
        Assert.Equal(39.03, fetched["latitude"]!.GetValue<double>());
        Assert.Equal(125.75, fetched["longitude"]!.GetValue<double>());
        var timeline = await app.CreateClient().GetArrayAsync($"/api/v1/timelines/place/{place.Id()}");
        Assert.Equal([second.Id(), first.Id()], timeline.Ids());
        Assert.Equal(place.Id(), timeline[0]!["pinhole"]!["place"]!.Id());
        // Paged as tag timelines are.
        using var page = await app.CreateClient().GetAsync($"/api/v1/timelines/place/{place.Id()}?limit=1", Cancel);
        Assert.Equal([second.Id()], (await Api.ReadSuccessAsync(page)).AsArray().Ids());
        Assert.Contains($"max_id={second.Id()}", page.Headers.GetValues("Link").Single(), StringComparison.Ordinal);
        Assert.Equal([first.Id()], (await app.CreateClient().GetArrayAsync($"/api/v1/timelines/place/{place.Id()}?max_id={second.Id()}")).Ids());
        Assert.Null((await app.CreateClient().GetJsonAsync($"/api/v1/statuses/{first.Id()}"))["pinhole"]!["contributor"]);
    }

    [Fact]
    public async Task CoordinatesAreKeptOnlyToTheConfiguredPrecision()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Places:CoordinateDecimals"] = "1" });
        var minji = await app.RegisterAsync("minji");

        var place = await minji.Client.PostFormAsync("/api/v1/pinhole/places", ("name", "Kim Il Sung Square"), ("latitude", "39.01926"), ("longitude", "-125.75301"));
        var again = await minji.Client.PostFormAsync("/api/v1/pinhole/places", ("name", "kim il sung  square"), ("latitude", "39.04"), ("longitude", "-125.76"));

        Assert.Equal(39.0, place["latitude"]!.GetValue<double>());
        Assert.Equal(-125.8, place["longitude"]!.GetValue<double>());
        // The same name (any case, any spacing) in the same coarse cell is the same place.
        Assert.Equal(place.Id(), again.Id());
    }

    [Theory]
    [InlineData("91", "125.75", "latitude must be between")]
    [InlineData("-90.5", "0", "latitude must be between")]
    [InlineData("39", "180.01", "longitude must be between")]
    [InlineData("39", "-181", "longitude must be between")]
    [InlineData("NaN", "125", "latitude must be a number")]
    [InlineData("39", "Infinity", "longitude must be a number")]
    [InlineData("north", "125", "latitude must be a number")]
    [InlineData("39", "", "both latitude and longitude")]
    public async Task CoordinatesOutOfRangeAreRefused(string latitude, string longitude, string message)
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var onPlace = await minji.Client.PostAsync("/api/v1/pinhole/places", Api.Form(("name", "Somewhere"), ("latitude", latitude), ("longitude", longitude)), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        var onPost = await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "here"),
            ("pinhole_place[name]", "Somewhere"), ("pinhole_place[latitude]", latitude), ("pinhole_place[longitude]", longitude)), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains(message, onPlace, StringComparison.Ordinal);
        Assert.Contains(message, onPost, StringComparison.Ordinal);
        Assert.Empty(await minji.Client.GetArrayAsync($"/api/v1/accounts/{minji.Id}/statuses"));
    }

    [Fact]
    public async Task PlaceNamesOfTenThousandCharactersEmptyOrWithControlCharactersAreRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        foreach (var name in new[] { new string('M', 10_000), new string('M', 101), "   ", "Mansu\u0000Hill", "Mansu \u202EllиH" })
        {
            await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "here"), ("pinhole_place[name]", name)), Cancel)
                .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
            await minji.Client.PostAsync("/api/v1/pinhole/places", Api.Form(("name", name)), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        }
        await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "here"), ("pinhole_place[latitude]", "39")), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "here"), ("pinhole_place_id", "12345")), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        var longest = await minji.Client.PostFormAsync("/api/v1/pinhole/places", ("name", "  " + new string('M', 100) + "\n"));
        Assert.Equal(new string('M', 100), longest["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task PlacesAreFoundByTheStartOfTheirNameAndNearAPointNearestFirst()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var searcher = await app.RegisterAsync("searcher");
        await PostAtAsync(minji, "a", "public", ("pinhole_place[name]", "Mansu Hill"), ("pinhole_place[latitude]", "39.03"), ("pinhole_place[longitude]", "125.75"));
        await PostAtAsync(minji, "b", "public", ("pinhole_place[name]", "Mansudae Art Studio"), ("pinhole_place[latitude]", "39.05"), ("pinhole_place[longitude]", "125.73"));
        await PostAtAsync(minji, "c", "public", ("pinhole_place[name]", "Kaesong"), ("pinhole_place[latitude]", "37.97"), ("pinhole_place[longitude]", "126.55"));
        await PostAtAsync(minji, "d", "public", ("pinhole_place[name]", "Juche Tower"), ("pinhole_place[latitude]", "39.02"), ("pinhole_place[longitude]", "125.76"));

        var found = await searcher.Client.GetArrayAsync("/api/v1/pinhole/places?q=MANSU");
        var near = await app.CreateClient().GetArrayAsync("/api/v1/pinhole/places/nearby?latitude=39.031&longitude=125.751&radius=5");

        Assert.Equal(["Mansu Hill", "Mansudae Art Studio"], found.Select(p => p!["name"]!.GetValue<string>()));
        Assert.Equal(["Mansu Hill", "Juche Tower", "Mansudae Art Studio"], near.Select(p => p!["name"]!.GetValue<string>()));
        await app.CreateClient().GetAsync("/api/v1/pinhole/places/nearby?latitude=95&longitude=125", Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await app.CreateClient().GetAsync("/api/v1/pinhole/places?q=", Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task APlaceNamedOnlyOnAFollowersOnlyPostIsUnknownToEveryoneWhoCannotSeeThatPost()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var follower = await app.RegisterAsync("follower");
        var stranger = await app.RegisterAsync("stranger");
        await follower.FollowAsync(minji);

        var post = await PostAtAsync(minji, "Where we meet", "private",
            ("pinhole_place[name]", "Safe flat"), ("pinhole_place[latitude]", "39.02"), ("pinhole_place[longitude]", "125.74"));
        var place = post["pinhole"]!["place"]!.Id();

        await stranger.Client.GetAsync($"/api/v1/pinhole/places/{place}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await stranger.Client.GetAsync($"/api/v1/timelines/place/{place}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Empty(await stranger.Client.GetArrayAsync("/api/v1/pinhole/places?q=safe"));
        Assert.Empty(await stranger.Client.GetArrayAsync("/api/v1/pinhole/places/nearby?latitude=39.02&longitude=125.74"));
        await stranger.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "me too"), ("pinhole_place_id", place)), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        // Naming the same spot oneself makes a place of one's own, and learns nothing of the other.
        var own = await stranger.Client.PostFormAsync("/api/v1/pinhole/places", ("name", "Safe flat"), ("latitude", "39.02"), ("longitude", "125.74"));
        Assert.NotEqual(place, own.Id());

        Assert.Equal("Safe flat", (await follower.Client.GetJsonAsync($"/api/v1/pinhole/places/{place}"))["name"]!.GetValue<string>());
        Assert.Empty(await follower.Client.GetArrayAsync($"/api/v1/timelines/place/{place}"));
        Assert.Equal([place], (await minji.Client.GetArrayAsync("/api/v1/pinhole/places?q=safe")).Ids());
    }
}
