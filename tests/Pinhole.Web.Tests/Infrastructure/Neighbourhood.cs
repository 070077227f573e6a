using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Infrastructure;

/// <summary>
/// A small server's worth of people and posts, made through the API: Minji posts photos from Pyongyang (one, a
/// carousel of three, one with a filter, some words), Jun follows her, likes and comments.
/// </summary>
public sealed record Neighbourhood(TestUser Minji, TestUser Jun, JsonNode Photo, JsonNode Carousel, JsonNode Words)
{
    public static async Task<Neighbourhood> MakeAsync(IPinholeServer app)
    {
        var minji = await app.RegisterAsync("minji");
        var jun = await app.RegisterAsync("jun");
        using (var profile = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials")
        {
            Content = Api.Form(("display_name", "Kim Min-ji"), ("note", "Photos from #pyongyang and around. Say hello to @jun.")),
        })
            await Api.ReadSuccessAsync(await minji.Client.SendAsync(profile, TestContext.Current.CancellationToken));

        var words = await minji.PostStatusAsync("The metro was quieter than ever today. Lights out at ten.");
        var carousel = await PostPhotosAsync(minji, "Three views from Moranbong hill #pyongyang #travel", [(1, 1600, 1067), (2, 1600, 1067), (3, 1600, 1067)]);
        await PostPhotosAsync(minji, "Morning by the sea #wonsan", [(4, 1080, 1080)], filter: "warm");
        await PostPhotosAsync(minji, "#pyongyang at dusk", [(5, 1080, 1350)]);
        var photo = await PostPhotosAsync(minji, "Evening over the Taedong river #pyongyang", [(0, 1080, 1350)]);

        await jun.FollowAsync(minji);
        await minji.FollowAsync(jun);
        await jun.Client.PostFormAsync($"/api/v1/statuses/{photo.Id()}/favourite");
        await jun.Client.PostFormAsync($"/api/v1/statuses/{carousel.Id()}/favourite");
        await jun.PostStatusAsync("@minji Beautiful light! Which bridge is that?", inReplyTo: photo.Id());
        return new Neighbourhood(minji, jun, photo, carousel, words);
    }

    /// <summary>Uploads each scene (variant, width, height) with alt text and posts them together.</summary>
    public static async Task<JsonNode> PostPhotosAsync(TestUser user, string caption, IReadOnlyList<(int Variant, int Width, int Height)> scenes, string? filter = null,
        string visibility = "public")
    {
        var ids = new List<string>();
        foreach (var (variant, width, height) in scenes)
        {
            using var upload = await user.Client.SendUploadAsync(await TestScenes.JpegAsync(variant, width, height),
                description: $"Hills at dusk behind red houses, scene {variant}", filter: filter);
            var media = await Api.ReadSuccessAsync(upload);
            using var ready = await user.WaitForMediaAsync(media.Id());
            ids.Add((await Api.ReadSuccessAsync(ready)).Id());
        }
        return await user.PostStatusAsync(caption, visibility, null, [.. ids]);
    }
}
