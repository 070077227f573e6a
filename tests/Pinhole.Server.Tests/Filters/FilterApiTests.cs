using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Filters;

/// <summary>Mastodon's v2 filters API over HTTP: filters with their keywords and posts, and the v1 view of them.</summary>
public sealed class FilterApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static List<string> Keywords(JsonNode filter) => filter["keywords"]!.AsArray().Select(k => k!["keyword"]!.GetValue<string>()).ToList();

    [Fact]
    public async Task AFilterIsCreatedWithItsKeywordsThenReadChangedAndDeleted()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");

        var created = await reader.Client.PostFormAsync("/api/v2/filters",
            ("title", "No rockets"), ("context[]", "home"), ("context[]", "public"), ("filter_action", "hide"), ("expires_in", "3600"),
            ("keywords_attributes[][keyword]", "missile"), ("keywords_attributes[][whole_word]", "false"),
            ("keywords_attributes[][keyword]", "launch"));

        Assert.Equal("No rockets", created["title"]!.GetValue<string>());
        Assert.Equal(["home", "public"], created["context"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("hide", created["filter_action"]!.GetValue<string>());
        var expires = DateTimeOffset.Parse(created["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(65));
        Assert.Equal(["missile", "launch"], Keywords(created));
        // whole_word went with the keyword it was sent after; a keyword without one is whole-word, as on Mastodon.
        Assert.Equal([false, true], created["keywords"]!.AsArray().Select(k => k!["whole_word"]!.GetValue<bool>()));
        Assert.Empty(created["statuses"]!.AsArray());
        Assert.Equal(created.ToJsonString(), (await reader.Client.GetJsonAsync($"/api/v2/filters/{created.Id()}")).ToJsonString());
        Assert.Equal([created.Id()], (await reader.Client.GetArrayAsync("/api/v2/filters")).Ids());

        using var put = await reader.Client.PutAsync($"/api/v2/filters/{created.Id()}",
            Api.Form(("title", "Quiet skies"), ("filter_action", "warn"), ("expires_in", "")), Cancel);
        var changed = await Api.ReadSuccessAsync(put);
        Assert.Equal("Quiet skies", changed["title"]!.GetValue<string>());
        Assert.Equal("warn", changed["filter_action"]!.GetValue<string>());
        Assert.Null(changed["expires_at"]);
        Assert.Equal(["home", "public"], changed["context"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(["missile", "launch"], Keywords(changed));

        Assert.Equal("{}", (await Api.ReadSuccessAsync(await reader.Client.DeleteAsync($"/api/v2/filters/{created.Id()}", Cancel))).ToJsonString());
        await reader.Client.GetAsync($"/api/v2/filters/{created.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Empty(await reader.Client.GetArrayAsync("/api/v2/filters"));
    }

    [Fact]
    public async Task AJsonBodyCreatesAFilterAsWell()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");

        var created = await reader.Client.PostJsonAsync("/api/v2/filters", new
        {
            title = "Weather",
            context = (string[])["thread", "account", "notifications"],
            filter_action = "blur",
            keywords_attributes = new object[] { new { keyword = "typhoon", whole_word = false }, new { keyword = "flood" } },
        });

        Assert.Equal("blur", created["filter_action"]!.GetValue<string>());
        Assert.Equal(["thread", "account", "notifications"], created["context"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(["typhoon", "flood"], Keywords(created));
        Assert.Equal([false, true], created["keywords"]!.AsArray().Select(k => k!["whole_word"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task KeywordsAttributesOnAnUpdateAddChangeAndRemoveKeywords()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var filter = await reader.Client.PostFormAsync("/api/v2/filters", ("title", "test"), ("context[]", "public"),
            ("keywords_attributes[][keyword]", "foo"), ("keywords_attributes[][keyword]", "bar"));
        var (foo, bar) = (filter["keywords"]![0]!.Id(), filter["keywords"]![1]!.Id());

        // Mastodon's documented example, in the query string: remove foo, turn bar into baz; and one keyword more.
        using var put = await reader.Client.PutAsync(
            $"/api/v2/filters/{filter.Id()}?keywords_attributes[][id]={foo}&keywords_attributes[][_destroy]=true" +
            $"&keywords_attributes[][id]={bar}&keywords_attributes[][keyword]=baz&keywords_attributes[][keyword]=qux&keywords_attributes[][whole_word]=false",
            null, Cancel);
        var changed = await Api.ReadSuccessAsync(put);

        Assert.Equal(["baz", "qux"], Keywords(changed));
        Assert.Equal(bar, changed["keywords"]![0]!.Id());
        Assert.Equal([true, false], changed["keywords"]!.AsArray().Select(k => k!["whole_word"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task AFiltersKeywordsAndPostsAreManagedOneByOne()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var author = await app.RegisterAsync("author");
        var post = await author.PostStatusAsync("Parade rehearsal at Kim Il Sung Square");
        var filter = (await reader.Client.PostFormAsync("/api/v2/filters", ("title", "Parades"), ("context[]", "home"))).Id();

        var keyword = await reader.Client.PostFormAsync($"/api/v2/filters/{filter}/keywords", ("keyword", "parade"), ("whole_word", "false"));
        Assert.Equal("parade", keyword["keyword"]!.GetValue<string>());
        Assert.False(keyword["whole_word"]!.GetValue<bool>());
        Assert.Equal([keyword.Id()], (await reader.Client.GetArrayAsync($"/api/v2/filters/{filter}/keywords")).Ids());
        using (var put = await reader.Client.PutAsync($"/api/v2/filters/keywords/{keyword.Id()}", Api.Form(("keyword", "march")), Cancel))
            Assert.Equal("march", (await Api.ReadSuccessAsync(put))["keyword"]!.GetValue<string>());
        var read = await reader.Client.GetJsonAsync($"/api/v2/filters/keywords/{keyword.Id()}");
        Assert.Equal("march", read["keyword"]!.GetValue<string>());
        Assert.False(read["whole_word"]!.GetValue<bool>());

        var status = await reader.Client.PostFormAsync($"/api/v2/filters/{filter}/statuses", ("status_id", post.Id()));
        Assert.Equal(post.Id(), status["status_id"]!.GetValue<string>());
        Assert.Equal([status.Id()], (await reader.Client.GetArrayAsync($"/api/v2/filters/{filter}/statuses")).Ids());
        Assert.Equal(post.Id(), (await reader.Client.GetJsonAsync($"/api/v2/filters/statuses/{status.Id()}"))["status_id"]!.GetValue<string>());
        var whole = await reader.Client.GetJsonAsync($"/api/v2/filters/{filter}");
        Assert.Equal(["march"], Keywords(whole));
        Assert.Equal([status.Id()], whole["statuses"]!.AsArray().Ids());

        await Api.ReadSuccessAsync(await reader.Client.DeleteAsync($"/api/v2/filters/keywords/{keyword.Id()}", Cancel));
        await Api.ReadSuccessAsync(await reader.Client.DeleteAsync($"/api/v2/filters/statuses/{status.Id()}", Cancel));
        var emptied = await reader.Client.GetJsonAsync($"/api/v2/filters/{filter}");
        Assert.Empty(emptied["keywords"]!.AsArray());
        Assert.Empty(emptied["statuses"]!.AsArray());
        await reader.Client.GetAsync($"/api/v2/filters/keywords/{keyword.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TheV1ApiShowsEachKeywordAsAFilter()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var filter = await reader.Client.PostFormAsync("/api/v2/filters", ("title", "Rockets"), ("context[]", "home"), ("context[]", "thread"),
            ("filter_action", "hide"), ("keywords_attributes[][keyword]", "missile"), ("keywords_attributes[][keyword]", "rocket"),
            ("keywords_attributes[][whole_word]", "false"));

        var v1 = await reader.Client.GetArrayAsync("/api/v1/filters");

        Assert.Equal(filter["keywords"]!.AsArray().Ids(), v1.Ids());
        Assert.Equal(["missile", "rocket"], v1.Select(f => f!["phrase"]!.GetValue<string>()));
        Assert.All(v1, f => Assert.True(f!["irreversible"]!.GetValue<bool>()));
        Assert.All(v1, f => Assert.Equal(["home", "thread"], f!["context"]!.AsArray().Select(c => c!.GetValue<string>())));
        Assert.Equal([true, false], v1.Select(f => f!["whole_word"]!.GetValue<bool>()));
        Assert.Equal("rocket", (await reader.Client.GetJsonAsync($"/api/v1/filters/{v1[1]!.Id()}"))["phrase"]!.GetValue<string>());
    }

    [Fact]
    public async Task ReadingFiltersNeedsReadFiltersAndChangingThemWriteFilters()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader", scopes: "read:filters");
        var writer = await app.RegisterAsync("writer", scopes: "write:filters");

        Assert.Empty(await reader.Client.GetArrayAsync("/api/v2/filters"));
        await reader.Client.PostAsync("/api/v2/filters", Api.Form(("title", "t"), ("context[]", "home")), Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await writer.Client.PostFormAsync("/api/v2/filters", ("title", "t"), ("context[]", "home"));
        await writer.Client.GetAsync("/api/v2/filters", Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        using var anonymous = app.CreateClient();
        await anonymous.GetAsync("/api/v2/filters", Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);
    }
}
