using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Social;

public sealed class EditingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnEditChangesThePostAndKeepsEveryVersion()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var post = await minji.PostStatusAsync("Cold noodles in Pyongang #food");

        using var first = await minji.Client.PutAsync($"/api/v1/statuses/{post.Id()}", Api.Form(("status", "Cold noodles in Pyongyang #food #pyongyang")), Cancel);
        var edited = await Api.ReadSuccessAsync(first);
        using var second = await minji.Client.PutAsync($"/api/v1/statuses/{post.Id()}", Api.Form(("spoiler_text", "food"), ("sensitive", "true")), Cancel);
        await Api.ReadSuccessAsync(second);

        Assert.Contains("Pyongyang", edited["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(edited["edited_at"]!.GetValue<string>());
        Assert.Equal(["food", "pyongyang"], edited["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).Order());
        Assert.Equal([post.Id()], (await reader.Client.GetArrayAsync("/api/v1/timelines/tag/pyongyang")).Ids());
        var history = await reader.Client.GetArrayAsync($"/api/v1/statuses/{post.Id()}/history");
        Assert.Equal(3, history.Count);
        Assert.Contains("Pyongang", history[0]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("Pyongyang", history[1]!["content"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("food", history[2]!["spoiler_text"]!.GetValue<string>());
        Assert.True(history[2]!["sensitive"]!.GetValue<bool>());
        Assert.Equal("minji", history[2]!["account"]!["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task ANeverEditedPostHasAOneVersionHistory()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("just once");

        var history = await app.CreateClient().GetArrayAsync($"/api/v1/statuses/{post.Id()}/history");

        Assert.Single(history);
        Assert.Equal("<p>just once</p>", history[0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task AltTextCanBeCorrectedByEditingThePost()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await minji.UploadAsync(await TestImages.PngAsync(), description: "a bridge");
        var post = await minji.PostStatusAsync("Okryu Bridge", mediaIds: media.Id());

        using var response = await minji.Client.PutAsync($"/api/v1/statuses/{post.Id()}",
            Api.Form(("status", "Okryu Bridge"), ("media_ids[]", media.Id()), ("media_attributes[0][id]", media.Id()), ("media_attributes[0][description]", "Okryu Bridge over the Taedong at dusk")), Cancel);
        var edited = await Api.ReadSuccessAsync(response);

        Assert.Equal("Okryu Bridge over the Taedong at dusk", edited["media_attachments"]![0]!["description"]!.GetValue<string>());
        var history = await minji.Client.GetArrayAsync($"/api/v1/statuses/{post.Id()}/history");
        Assert.Equal("a bridge", history[0]!["media_attachments"]![0]!["description"]!.GetValue<string>());
        Assert.Equal("Okryu Bridge over the Taedong at dusk", history[1]!["media_attachments"]![0]!["description"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheSourceIsForTheAuthor()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var post = await minji.Client.PostFormAsync("/api/v1/statuses", ("status", "<b>raw</b> #text"), ("spoiler_text", "cw"));

        var source = await minji.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}/source");

        Assert.Equal("<b>raw</b> #text", source["text"]!.GetValue<string>());
        Assert.Equal("cw", source["spoiler_text"]!.GetValue<string>());
        await reader.Client.GetAsync($"/api/v1/statuses/{post.Id()}/source", Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task NobodyEditsAnotherPersonsPost()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");
        var post = await minji.PostStatusAsync("mine");
        var secret = await minji.PostStatusAsync("secret", "private");

        await other.Client.PutAsync($"/api/v1/statuses/{post.Id()}", Api.Form(("status", "hacked")), Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await other.Client.PutAsync($"/api/v1/statuses/{secret.Id()}", Api.Form(("status", "hacked")), Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await other.Client.GetAsync($"/api/v1/statuses/{secret.Id()}/history", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        Assert.Equal("<p>mine</p>", (await other.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}"))["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnEditObeysTheSameRulesAsAPost()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var other = await app.RegisterAsync("other");
        var theirs = await other.UploadAsync(await TestImages.PngAsync());
        var post = await minji.PostStatusAsync("fine");

        await minji.Client.PutAsync($"/api/v1/statuses/{post.Id()}", Api.Form(("status", new string('a', 501))), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.PutAsync($"/api/v1/statuses/{post.Id()}", Api.Form(("status", " ")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.PutAsync($"/api/v1/statuses/{post.Id()}", Api.Form(("status", "x"), ("media_ids[]", theirs.Id())), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.PutAsync($"/api/v1/statuses/{post.Id()}", Api.Form(("status", "x"), ("language", "??")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Single(await minji.Client.GetArrayAsync($"/api/v1/statuses/{post.Id()}/history"));
    }

    [Fact]
    public async Task SomeoneNewlyMentionedInAnEditIsNotified()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var friend = await app.RegisterAsync("friend");
        var post = await minji.PostStatusAsync("lunch");

        using var response = await minji.Client.PutAsync($"/api/v1/statuses/{post.Id()}", Api.Form(("status", "lunch with @friend")), Cancel);
        await Api.ReadSuccessAsync(response);

        var notifications = await friend.Client.GetArrayAsync("/api/v1/notifications");
        Assert.Equal("mention", notifications.Single()!["type"]!.GetValue<string>());
    }
}
