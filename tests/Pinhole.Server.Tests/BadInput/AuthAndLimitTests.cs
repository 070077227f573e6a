using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.BadInput;

public sealed class AuthAndLimitTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GET", "/api/v1/timelines/home")]
    [InlineData("GET", "/api/v1/accounts/verify_credentials")]
    [InlineData("POST", "/api/v1/statuses")]
    [InlineData("POST", "/api/v2/media")]
    [InlineData("GET", "/api/v1/favourites")]
    public async Task WithoutATokenThePrivateEndpointsAnswer401(string method, string path)
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();

        var error = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);

        Assert.Equal("The access token is invalid", error);
    }

    [Theory]
    [InlineData("/api/v1/timelines/public")]
    [InlineData("/api/v1/timelines/home")]
    [InlineData("/api/v2/instance")]
    public async Task ABadTokenIs401EvenWherePublic(string path)
    {
        await using var app = await PinholeApp.StartAsync();
        var client = app.CreateClient().WithToken("not-a-real-token");

        await client.GetAsync(path, Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);
        await app.CreateClient().GetAsync(path + "?access_token=forged", Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task TheTokenCanAlsoComeAsAQueryParameter()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        using var client = app.CreateClient();

        var me = await client.GetJsonAsync($"/api/v1/accounts/verify_credentials?access_token={minji.Token}");

        Assert.Equal(minji.Id, me.Id());
    }

    [Fact]
    public async Task UnknownRoutesAndMethodsAnswerWithMastodonErrors()
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();

        await client.GetAsync("/api/v1/no_such_thing", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await client.DeleteAsync("/api/v2/instance", Cancel).ExpectErrorAsync(HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task TooManyRequestsFromOneAccountAre429WithRetryAfter()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?>
        {
            ["Pinhole:RateLimits:Enabled"] = "true",
            ["Pinhole:RateLimits:PerAccount"] = "5",
            ["Pinhole:RateLimits:WindowSeconds"] = "300",
        });
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await minji.Client.GetAsync("/api/v1/timelines/home", Cancel);
            statuses.Add(response.StatusCode);
        }
        using var limited = await minji.Client.GetAsync("/api/v1/timelines/home", Cancel);

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal("Too many requests", (await Api.ReadErrorAsync(limited)));
        // Another person is not held back by minji's requests.
        await other.Client.GetJsonAsync("/api/v1/accounts/verify_credentials");
    }

    [Fact]
    public async Task TooManyRequestsFromOneAddressAre429()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?>
        {
            ["Pinhole:RateLimits:Enabled"] = "true",
            ["Pinhole:RateLimits:PerIp"] = "4",
        });
        using var client = app.CreateClient();

        for (var i = 0; i < 4; i++)
            await client.GetJsonAsync("/api/v1/timelines/public");

        await client.GetAsync("/api/v1/timelines/public", Cancel).ExpectErrorAsync(HttpStatusCode.TooManyRequests);
        // Media files and pages are not counted.
        using var health = await client.GetAsync("/health", Cancel);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
