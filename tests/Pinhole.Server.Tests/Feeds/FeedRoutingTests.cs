using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Server.Web;

namespace Pinhole.Server.Tests.Feeds;

/// <summary>
/// The feed and embed URLs share their shape with the web app's pages: <c>/@minji.rss</c> also fits a profile route
/// <c>/@{username}</c>, and <c>/tags/pyongyang.rss</c> a hashtag page's <c>/tags/{tag}</c>. These tests route the
/// server's real endpoints, pages included, so a clash (an ambiguous match, or a page answering for a feed) fails here.
/// </summary>
public sealed class FeedRoutingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/@minji.rss", "feed.account.rss")]
    [InlineData("/@minji.atom", "feed.account.atom")]
    [InlineData("/@Min_Ji.rss", "feed.account.rss")]
    [InlineData("/@minji", "page.profile")]
    [InlineData("/@minji/117729135459631104", "page.post")]
    [InlineData("/@minji/117729135459631104/embed", "embed")]
    [InlineData("/tags/pyongyang.rss", "feed.tag.rss")]
    [InlineData("/tags/pyongyang.atom", "feed.tag.atom")]
    [InlineData("/tags/pyongyang", "page.tag")]
    [InlineData("/places/117729135459631104.rss", "feed.place.rss")]
    [InlineData("/places/117729135459631104.atom", "feed.place.atom")]
    [InlineData("/places/117729135459631104", "page.place")]
    [InlineData("/api/oembed", "oembed")]
    public async Task FeedsAndEmbedsAreRoutedToThemselvesBesideTheWebPages(string path, string expected)
    {
        await using var app = await PinholeApp.StartAsync();
        var real = app.Services.GetRequiredService<EndpointDataSource>().Endpoints;

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.Configure<RouteOptions>(WebRoutes.AddConstraints);
        await using var pages = builder.Build();
        pages.UseRouting();
        // Answers with the name of the endpoint routing chose, instead of running it.
        pages.Run(context => context.Response.WriteAsync(
            context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "none", context.RequestAborted));
        ((IEndpointRouteBuilder)pages).DataSources.Add(new DefaultEndpointDataSource(real));
        await pages.StartAsync(Cancel);

        using var response = await pages.GetTestClient().GetAsync(path, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, await response.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task OnTheServerItselfFeedsAnswerAsFeedsAndTheirPageShapesAreLeftToThePages()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        await minji.PostStatusAsync("#pyongyang");
        using var client = app.CreateClient();

        foreach (var (path, type) in new[] { ("/@minji.rss", "application/rss+xml"), ("/@minji.atom", "application/atom+xml"), ("/tags/pyongyang.rss", "application/rss+xml") })
        {
            using var response = await client.GetAsync(path, Cancel);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {response.StatusCode}");
            Assert.Equal(type, response.Content.Headers.ContentType!.MediaType);
        }
        using var profile = await client.GetAsync("/@minji", Cancel);
        Assert.NotEqual("application/rss+xml", profile.Content.Headers.ContentType?.MediaType);
    }
}
