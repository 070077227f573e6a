using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Uploads;

/// <summary>A retry after a lost answer returns the first result, for a day: posts, media uploads, resumable uploads.</summary>
public sealed class IdempotencyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<string> PostWithKeyAsync(TestUser user, string key, string text)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/statuses") { Content = Api.Form(("status", text)) };
        request.Headers.Add("Idempotency-Key", key);
        using var response = await user.Client.SendAsync(request, Cancel);
        return (await Api.ReadSuccessAsync(response)).Id();
    }

    [Fact]
    public async Task APostRetriedWithinADayIsPostedOnce()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var first = await PostWithKeyAsync(minji, "post-1", "Children at Mansu Hill");
        app.Clock.Advance(TimeSpan.FromHours(23));
        var retried = await PostWithKeyAsync(minji, "post-1", "Children at Mansu Hill");

        Assert.Equal(first, retried);
        Assert.Single(await minji.Client.GetArrayAsync($"/api/v1/accounts/{minji.Id}/statuses"));
    }

    [Fact]
    public async Task AKeyIsForgottenAfterADay()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var first = await PostWithKeyAsync(minji, "post-1", "Monday");
        app.Clock.Advance(TimeSpan.FromHours(25));
        var later = await PostWithKeyAsync(minji, "post-1", "Tuesday");

        Assert.NotEqual(first, later);
    }

    [Fact]
    public async Task AnotherAccountsKeyIsItsOwn()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var eunji = await app.RegisterAsync("eunji");

        Assert.NotEqual(await PostWithKeyAsync(minji, "same", "a"), await PostWithKeyAsync(eunji, "same", "b"));
    }

    [Fact]
    public async Task AMediaUploadRetriedWithTheSameKeyGivesTheSameMedia()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var photo = await TestImages.JpegWithGpsAsync(300, 200);

        async Task<string> UploadAsync()
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "file", "a.jpg" } };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/media") { Content = form };
            request.Headers.Add("Idempotency-Key", "photo-1");
            using var response = await minji.Client.SendAsync(request, Cancel);
            return (await Api.ReadSuccessAsync(response)).Id();
        }

        Assert.Equal(await UploadAsync(), await UploadAsync());
    }

    [Fact]
    public async Task AnOverlongKeyIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        using var form = new MultipartFormDataContent { { new ByteArrayContent(await TestImages.PngAsync(10, 10)), "file", "a.png" } };
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v2/media") { Content = form };
        request.Headers.Add("Idempotency-Key", new string('k', 257));

        await minji.Client.SendAsync(request, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }
}
