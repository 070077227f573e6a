using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Filters;

/// <summary>Every bad filter request gets Mastodon's answer: a 422 saying what is wrong, or a 404 for what is not the caller's.</summary>
public sealed class FilterBadInputTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> CreateAsync(TestUser user, params (string, string)[] fields) =>
        user.Client.PostAsync("/api/v2/filters", Api.Form(fields), Cancel);

    [Fact]
    public async Task AFilterWithoutATitleIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");

        Assert.Equal("Validation failed: Title can't be blank", await CreateAsync(reader, ("title", "  "), ("context[]", "home")).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        var filter = await reader.Client.PostFormAsync("/api/v2/filters", ("title", "t"), ("context[]", "home"));
        await reader.Client.PutAsync($"/api/v2/filters/{filter.Id()}", Api.Form(("title", "")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Title is too long", await CreateAsync(reader, ("title", new string('t', 257)), ("context[]", "home")).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
    }

    [Fact]
    public async Task AFilterWithoutAContextIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");

        Assert.Equal("Validation failed: Title can't be blank, Context can't be blank, Context None or invalid context supplied",
            await CreateAsync(reader).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        Assert.Equal("Validation failed: Context can't be blank, Context None or invalid context supplied",
            await CreateAsync(reader, ("title", "t"), ("context[]", "")).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
    }

    [Fact]
    public async Task AnUnknownContextIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");

        Assert.Equal("Validation failed: Context None or invalid context supplied",
            await CreateAsync(reader, ("title", "t"), ("context[]", "home"), ("context[]", "everywhere")).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        var filter = await reader.Client.PostFormAsync("/api/v2/filters", ("title", "t"), ("context[]", "home"));
        await reader.Client.PutAsync($"/api/v2/filters/{filter.Id()}", Api.Form(("context[]", "direct")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task AKeywordThatIsTooLongOrBlankIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var tooLong = new string('k', 513);

        Assert.Equal("Validation failed: Keywords keyword is too long (maximum is 512 characters)",
            await CreateAsync(reader, ("title", "t"), ("context[]", "home"), ("keywords_attributes[][keyword]", tooLong)).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        var filter = await reader.Client.PostFormAsync("/api/v2/filters", ("title", "t"), ("context[]", "home"));
        Assert.Equal("Validation failed: Keyword is too long (maximum is 512 characters)",
            await reader.Client.PostAsync($"/api/v2/filters/{filter.Id()}/keywords", Api.Form(("keyword", tooLong)), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        Assert.Equal("Validation failed: Keyword can't be blank",
            await reader.Client.PostAsync($"/api/v2/filters/{filter.Id()}/keywords", Api.Form(("whole_word", "true")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        Assert.Equal("Validation failed: Keywords keyword can't be blank",
            await CreateAsync(reader, ("title", "t"), ("context[]", "home"), ("keywords_attributes[][whole_word]", "true"), ("keywords_attributes[][keyword]", " "))
                .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        // Nothing was made by the refused requests.
        Assert.Empty((await reader.Client.GetJsonAsync($"/api/v2/filters/{filter.Id()}"))["keywords"]!.AsArray());
        Assert.Single(await reader.Client.GetArrayAsync("/api/v2/filters"));
    }

    [Fact]
    public async Task AnUnknownActionOrExpiryIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");

        Assert.Equal("Validation failed: Filter action must be warn, hide or blur",
            await CreateAsync(reader, ("title", "t"), ("context[]", "home"), ("filter_action", "delete")).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        Assert.Equal("Validation failed: Expires in must be a number of seconds",
            await CreateAsync(reader, ("title", "t"), ("context[]", "home"), ("expires_in", "soon")).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        await CreateAsync(reader, ("title", "t"), ("context[]", "home"), ("expires_in", "-5")).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await CreateAsync(reader, ("title", "t"), ("context[]", "home"), ("expires_in", "99999999999999999999")).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task UnknownIdsAreNotFound()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        var filter = await reader.Client.PostFormAsync("/api/v2/filters", ("title", "t"), ("context[]", "home"), ("keywords_attributes[][keyword]", "kept"));

        foreach (var path in new[] { "/api/v2/filters/123", "/api/v2/filters/123/keywords", "/api/v2/filters/123/statuses",
                     "/api/v2/filters/keywords/123", "/api/v2/filters/statuses/123", "/api/v1/filters/123", "/api/v2/filters/nonsense" })
            Assert.Equal("Record not found", await reader.Client.GetAsync(path, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound));
        await reader.Client.DeleteAsync("/api/v2/filters/123", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await reader.Client.PostAsync("/api/v2/filters/123/keywords", Api.Form(("keyword", "k")), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        // A keyword id on create, as on Mastodon, and a keyword id that is not this filter's on update.
        await CreateAsync(reader, ("title", "t"), ("context[]", "home"), ("keywords_attributes[][id]", "5"), ("keywords_attributes[][keyword]", "k"))
            .ExpectErrorAsync(HttpStatusCode.NotFound);
        await reader.Client.PutAsync($"/api/v2/filters/{filter.Id()}", Api.Form(("keywords_attributes[][id]", "5"), ("keywords_attributes[][keyword]", "k")), Cancel)
            .ExpectErrorAsync(HttpStatusCode.NotFound);
        // A post that does not exist; then one that is there twice.
        await reader.Client.PostAsync($"/api/v2/filters/{filter.Id()}/statuses", Api.Form(("status_id", "42")), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("Validation failed: Status can't be blank",
            await reader.Client.PostAsync($"/api/v2/filters/{filter.Id()}/statuses", Api.Form(), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        var post = await reader.PostStatusAsync("mine");
        await reader.Client.PostFormAsync($"/api/v2/filters/{filter.Id()}/statuses", ("status_id", post.Id()));
        Assert.Equal("Validation failed: Status has already been taken",
            await reader.Client.PostAsync($"/api/v2/filters/{filter.Id()}/statuses", Api.Form(("status_id", post.Id())), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity));
        Assert.Equal(["kept"], (await reader.Client.GetJsonAsync($"/api/v2/filters/{filter.Id()}"))["keywords"]!.AsArray().Select(k => k!["keyword"]!.GetValue<string>()));
    }

    [Fact]
    public async Task SomeoneElsesFilterIsNotFound()
    {
        await using var app = await PinholeApp.StartAsync();
        var owner = await app.RegisterAsync("owner");
        var other = await app.RegisterAsync("other");
        var post = await owner.PostStatusAsync("public");
        var filter = await owner.Client.PostFormAsync("/api/v2/filters", ("title", "mine"), ("context[]", "home"), ("keywords_attributes[][keyword]", "secret"));
        var keyword = filter["keywords"]![0]!.Id();
        var status = await owner.Client.PostFormAsync($"/api/v2/filters/{filter.Id()}/statuses", ("status_id", post.Id()));

        foreach (var path in new[] { $"/api/v2/filters/{filter.Id()}", $"/api/v2/filters/{filter.Id()}/keywords", $"/api/v2/filters/{filter.Id()}/statuses",
                     $"/api/v2/filters/keywords/{keyword}", $"/api/v2/filters/statuses/{status.Id()}", $"/api/v1/filters/{keyword}" })
            await other.Client.GetAsync(path, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.PutAsync($"/api/v2/filters/{filter.Id()}", Api.Form(("title", "taken")), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.PutAsync($"/api/v2/filters/keywords/{keyword}", Api.Form(("keyword", "taken")), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.PostAsync($"/api/v2/filters/{filter.Id()}/keywords", Api.Form(("keyword", "k")), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.PostAsync($"/api/v2/filters/{filter.Id()}/statuses", Api.Form(("status_id", post.Id())), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.DeleteAsync($"/api/v2/filters/keywords/{keyword}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.DeleteAsync($"/api/v2/filters/statuses/{status.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.DeleteAsync($"/api/v2/filters/{filter.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Empty(await other.Client.GetArrayAsync("/api/v2/filters"));
        Assert.Empty(await other.Client.GetArrayAsync("/api/v1/filters"));

        var untouched = await owner.Client.GetJsonAsync($"/api/v2/filters/{filter.Id()}");
        Assert.Equal("mine", untouched["title"]!.GetValue<string>());
        Assert.Equal("secret", untouched["keywords"]![0]!["keyword"]!.GetValue<string>());
        Assert.Single(untouched["statuses"]!.AsArray());
    }

    [Fact]
    public async Task APostTheOwnerCannotSeeCannotBeFiltered()
    {
        await using var app = await PinholeApp.StartAsync();
        var owner = await app.RegisterAsync("owner");
        var author = await app.RegisterAsync("author");
        var secret = await author.PostStatusAsync("for my followers only", "private");
        var filter = await owner.Client.PostFormAsync("/api/v2/filters", ("title", "t"), ("context[]", "home"));

        await owner.Client.PostAsync($"/api/v2/filters/{filter.Id()}/statuses", Api.Form(("status_id", secret.Id())), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await owner.Client.PostAsync($"/api/v2/filters/{filter.Id()}/statuses", Api.Form(("status_id", "not-a-number")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task MalformedBodiesAreRefusedNotFailed()
    {
        await using var app = await PinholeApp.StartAsync();
        var reader = await app.RegisterAsync("reader");
        using var json = new StringContent("{\"title\": ", System.Text.Encoding.UTF8, "application/json");
        await reader.Client.PostAsync("/api/v2/filters", json, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        using var nested = new StringContent("{\"title\":\"t\",\"context\":[\"home\"],\"keywords_attributes\":[{\"keyword\":{\"x\":1}}]}", System.Text.Encoding.UTF8, "application/json");
        await reader.Client.PostAsync("/api/v2/filters", nested, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        using var broken = new StringContent("title=%ZZ&context[]=home", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded");
        await Api.ReadSuccessAsync(await reader.Client.PostAsync("/api/v2/filters", broken, Cancel));
    }
}
