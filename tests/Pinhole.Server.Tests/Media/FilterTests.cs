using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Media;

/// <summary>Photo filters: the catalogue with previews, applying one on upload, changing it before posting.</summary>
public sealed class FilterTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheCatalogueListsAtLeastEightFiltersEachWithItsOwnPreview()
    {
        await using var app = await PinholeApp.StartAsync();
        using var anonymous = app.CreateClient();

        var filters = (await anonymous.GetJsonAsync("/api/v1/pinhole/filters")).AsArray();

        Assert.True(filters.Count >= 8, $"{filters.Count} filters");
        var previews = new HashSet<string>();
        foreach (var filter in filters)
        {
            Assert.False(string.IsNullOrWhiteSpace(filter!["name"]!.GetValue<string>()));
            using var preview = await anonymous.GetAsync(filter["preview_url"]!.GetValue<string>(), Cancel);
            Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
            Assert.Equal("image/webp", preview.Content.Headers.ContentType!.MediaType);
            previews.Add(Convert.ToBase64String(await preview.Content.ReadAsByteArrayAsync(Cancel)));
        }
        Assert.Equal(filters.Count, previews.Count);
        await anonymous.GetAsync("/api/v1/pinhole/filters/no-such-filter/preview.webp", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AnUnknownFilterIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var error = await minji.Client.SendUploadAsync(await TestImages.JpegWithGpsAsync(400, 300), filter: "instagram-clarendon")
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("no filter called instagram-clarendon", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFilterIsAppliedOnUploadAndCanBeChangedOrRemovedBeforePosting()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var photo = await TestImages.JpegWithGpsAsync(400, 300);
        var plain = await minji.UploadAsync(photo);

        using var filtered = await minji.Client.SendUploadAsync(photo, filter: "sepia");
        var sepia = await Api.ReadSuccessAsync(filtered);
        Assert.Equal("sepia", sepia["pinhole"]!["filter"]!.GetValue<string>());
        Assert.NotEqual(plain["blurhash"]!.GetValue<string>(), sepia["blurhash"]!.GetValue<string>());

        using var change = await minji.Client.PutAsync($"/api/v1/media/{sepia.Id()}",
            new FormUrlEncodedContent([new("filter", "")]), Cancel);
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string? blurhash;
        do
        {
            await Task.Delay(100, Cancel);
            using var again = await minji.WaitForMediaAsync(sepia.Id());
            blurhash = (await Api.ReadSuccessAsync(again))["blurhash"]!.GetValue<string>();
        }
        while (blurhash != plain["blurhash"]!.GetValue<string>() && DateTime.UtcNow < deadline);
        Assert.Equal(plain["blurhash"]!.GetValue<string>(), blurhash);
    }
}
