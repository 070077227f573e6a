using System.Net;
using System.Text;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Statuses;

public sealed class PostingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APostIsRenderedAsEscapedHtmlWithLinksTagsAndMentions()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");

        var post = await minji.PostStatusAsync("<script>alert(1)</script> Hi @reader and @nobody, see https://example.com/a?b=1&c=2 #Pyongyang");

        var content = post["content"]!.GetValue<string>();
        Assert.DoesNotContain("<script>", content, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", content, StringComparison.Ordinal);
        Assert.Contains($"href=\"{app.BaseAddress}@reader\" class=\"u-url mention\"", content, StringComparison.Ordinal);
        Assert.Contains("@nobody", content, StringComparison.Ordinal);
        Assert.DoesNotContain("@nobody</a>", content, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.com/a?b=1&amp;c=2\"", content, StringComparison.Ordinal);
        Assert.Contains($"href=\"{app.BaseAddress}tags/pyongyang\"", content, StringComparison.Ordinal);
        Assert.Equal("pyongyang", post["tags"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(reader.Id, post["mentions"]![0]!.Id());
        Assert.Equal("public", post["visibility"]!.GetValue<string>());
        Assert.Equal("Test client", post["application"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task TextOverTheCharacterLimitIsRefusedAndLinksCountAs23()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        await minji.PostStatusAsync(new string('a', 500));
        await minji.PostStatusAsync(new string('a', 476) + " https://example.com/" + new string('x', 200));
        var error = await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", new string('a', 501))), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("character limit of 500", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCharacterLimitIsConfigurable()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Statuses:MaxCharacters"] = "20" });
        var minji = await app.RegisterAsync("minji");

        await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", new string('a', 21))), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Equal(20, (await minji.Client.GetJsonAsync("/api/v2/instance"))["configuration"]!["statuses"]!["max_characters"]!.GetValue<int>());
    }

    [Fact]
    public async Task AnEmptyPostIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var error = await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "   ")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("can't be blank", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreMediaThanTheLimitIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var ids = Enumerable.Range(1, 11).Select(i => ("media_ids[]", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();

        var error = await minji.Client.PostAsync("/api/v1/statuses", Api.Form([("status", "eleven"), .. ids]), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("at most 10", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SomeoneElsesMediaCannotBeAttached()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var thief = await app.RegisterAsync("thief");
        var media = await minji.UploadAsync(await TestImages.PngAsync());

        await thief.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "mine now"), ("media_ids[]", media.Id())), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task MediaCanBeAttachedToOnlyOnePost()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await minji.UploadAsync(await TestImages.PngAsync());
        await minji.PostStatusAsync("first", mediaIds: media.Id());

        await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "again"), ("media_ids[]", media.Id())), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task AReplyToAPostTheAuthorCannotSeeIsNotFound()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var stranger = await app.RegisterAsync("stranger");
        var secret = await minji.PostStatusAsync("followers only", "private");

        await stranger.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "reply"), ("in_reply_to_id", secret.Id())), Cancel)
            .ExpectErrorAsync(HttpStatusCode.NotFound);
        await stranger.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "reply"), ("in_reply_to_id", "12345")), Cancel)
            .ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("visibility", "everyone")]
    [InlineData("language", "not a language")]
    [InlineData("in_reply_to_id", "abc")]
    [InlineData("media_ids[]", "abc")]
    [InlineData("scheduled_at", "2030-01-01T00:00:00Z")]
    [InlineData("poll[options][]", "yes")]
    public async Task ParametersThatMakeNoSenseAreRefused(string key, string value)
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", "hello"), (key, value)), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task ARetryWithTheSameIdempotencyKeyReturnsTheFirstPost()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");

        async Task<string> PostAsync(TestUser user, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/statuses") { Content = Api.Form(("status", "only once")) };
            request.Headers.Add("Idempotency-Key", key);
            return (await Api.ReadSuccessAsync(await user.Client.SendAsync(request, Cancel))).Id();
        }

        var first = await PostAsync(minji, "abc-123");
        var retries = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => PostAsync(minji, "abc-123")));
        var sameKeyOtherPerson = await PostAsync(reader, "abc-123");

        Assert.All(retries, id => Assert.Equal(first, id));
        Assert.NotEqual(first, sameKeyOtherPerson);
        Assert.Equal(1, (await minji.Client.GetJsonAsync("/api/v1/accounts/verify_credentials"))["statuses_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task DeletingAPostReturnsItsSourceAndUndoesItsCounts()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var post = await minji.PostStatusAsync("Mansu Hill at dawn #pyongyang");
        var reply = await reader.PostStatusAsync("beautiful", inReplyTo: post.Id());
        await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/reblog");

        var deleted = await reader.Client.DeleteAsync($"/api/v1/statuses/{reply.Id()}", Cancel);
        Assert.Equal("beautiful", (await Api.ReadSuccessAsync(deleted))["text"]!.GetValue<string>());
        Assert.Equal(0, (await minji.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}"))["replies_count"]!.GetValue<int>());

        var gone = await Api.ReadSuccessAsync(await minji.Client.DeleteAsync($"/api/v1/statuses/{post.Id()}", Cancel));
        Assert.Equal("Mansu Hill at dawn #pyongyang", gone["text"]!.GetValue<string>());
        await minji.Client.GetAsync($"/api/v1/statuses/{post.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Empty(await reader.Client.GetArrayAsync("/api/v1/timelines/tag/pyongyang"));
        Assert.Equal(0, (await minji.Client.GetJsonAsync("/api/v1/accounts/verify_credentials"))["statuses_count"]!.GetValue<int>());
        Assert.Equal(0, (await reader.Client.GetJsonAsync("/api/v1/accounts/verify_credentials"))["statuses_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task OnlyTheAuthorCanDeleteAPost()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");
        var visible = await minji.PostStatusAsync("public");
        var invisible = await minji.PostStatusAsync("private", "private");

        await other.Client.DeleteAsync($"/api/v1/statuses/{visible.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await other.Client.DeleteAsync($"/api/v1/statuses/{invisible.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await minji.Client.GetJsonAsync($"/api/v1/statuses/{visible.Id()}");
    }

    [Fact]
    public async Task AJsonBodyWorksLikeAForm()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await minji.UploadAsync(await TestImages.PngAsync());

        var post = await minji.Client.PostJsonAsync("/api/v1/statuses", new { status = "json", media_ids = new[] { media.Id() }, sensitive = true, spoiler_text = "food", visibility = "unlisted" });

        Assert.Equal("unlisted", post["visibility"]!.GetValue<string>());
        Assert.True(post["sensitive"]!.GetValue<bool>());
        Assert.Equal("food", post["spoiler_text"]!.GetValue<string>());
        Assert.Equal(media.Id(), post["media_attachments"]![0]!.Id());
    }

    [Fact]
    public async Task MalformedJsonIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var broken = await minji.Client.PostAsync("/api/v1/statuses", new StringContent("{\"status\": \"unterminated", Encoding.UTF8, "application/json"), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        var notAnObject = await minji.Client.PostAsync("/api/v1/statuses", new StringContent("[1, 2]", Encoding.UTF8, "application/json"), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("not valid JSON", broken, StringComparison.Ordinal);
        Assert.Contains("JSON object", notAnObject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedFormDataIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var content = new StringContent("--xyz\r\nContent-Disposition: form-data; name=\"status\"\r\n\r\nno closing boundary", Encoding.UTF8);
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=xyz");

        await minji.Client.PostAsync("/api/v1/statuses", content, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task ABodyOverTheLimitIsRefusedWith413()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        await minji.Client.PostAsync("/api/v1/statuses", Api.Form(("status", new string('a', 2 * 1024 * 1024))), Cancel)
            .ExpectErrorAsync(HttpStatusCode.RequestEntityTooLarge);
    }
}
