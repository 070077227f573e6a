using System.Text.Json.Nodes;
using MetadataExtractor;
using MetadataExtractor.Formats.Exif;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Stories;

/// <summary>The story Pinhole is built for, end to end over HTTP, surviving a restart.</summary>
public sealed class PyongyangStoryTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APhotographerPostsAReaderFollowsLikesAndCommentsAndItAllSurvivesARestart()
    {
        await using var app = await PinholeApp.StartAsync();

        // Two people register in an app, then sign in through the browser (OAuth with PKCE) as an app would make them.
        await app.RegisterAsync("minji");
        await app.RegisterAsync("reader");
        using var browser = new OAuthBrowser(app);
        var photographer = app.CreateClient().WithToken(await browser.SignInAppAsync("minji", "correct horse battery"));
        using var readerBrowser = new OAuthBrowser(app);
        var reader = app.CreateClient().WithToken(await readerBrowser.SignInAppAsync("reader@example.com", "correct horse battery"));

        // The photographer posts a photo from her phone: GPS coordinates and the camera's serial number are in it.
        var photo = await TestImages.JpegWithGpsAsync();
        using var uploaded = await photographer.SendUploadAsync(photo, description: "A bowl of naengmyeon");
        var media = await Api.ReadSuccessAsync(uploaded);
        var status = await photographer.PostFormAsync("/api/v1/statuses",
            ("status", "Cold noodles in Pyongyang #pyongyang #northkorea"), ("media_ids[]", media.Id()));
        Assert.Equal(["pyongyang", "northkorea"], status["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()));
        Assert.Contains("class=\"mention hashtag\"", status["content"]!.GetValue<string>(), StringComparison.Ordinal);

        // No location or camera serial in the file anyone can download.
        var served = await reader.GetByteArrayAsync(status["media_attachments"]![0]!["url"]!.GetValue<string>(), Cancel);
        var directories = ImageMetadataReader.ReadMetadata(new MemoryStream(served));
        Assert.Empty(directories.OfType<GpsDirectory>());
        Assert.DoesNotContain(directories.SelectMany(d => d.Tags), t => t.Name.Contains("Serial", StringComparison.OrdinalIgnoreCase));

        // The reader follows her and finds the post in home and in #pyongyang.
        var minji = await reader.GetJsonAsync("/api/v1/accounts/lookup?acct=minji");
        await reader.PostFormAsync($"/api/v1/accounts/{minji.Id()}/follow");
        Assert.Contains(status.Id(), (await reader.GetArrayAsync("/api/v1/timelines/home")).Ids());
        Assert.Contains(status.Id(), (await reader.GetArrayAsync("/api/v1/timelines/tag/pyongyang")).Ids());

        // Likes it and comments; the comment is in the thread.
        var liked = await reader.PostFormAsync($"/api/v1/statuses/{status.Id()}/favourite");
        Assert.True(liked["favourited"]!.GetValue<bool>());
        Assert.Equal(1, liked["favourites_count"]!.GetValue<int>());
        var comment = await reader.PostFormAsync("/api/v1/statuses", ("status", "@minji they look delicious"), ("in_reply_to_id", status.Id()));
        var context = await photographer.GetJsonAsync($"/api/v1/statuses/{status.Id()}/context");
        Assert.Equal([comment.Id()], context["descendants"]!.AsArray().Ids());

        // After a restart everything is still there.
        await using var restarted = await app.RestartAsync();
        var again = restarted.CreateClient().WithToken(reader.DefaultRequestHeaders.Authorization!.Parameter!);
        var reloaded = await again.GetJsonAsync($"/api/v1/statuses/{status.Id()}");
        Assert.Equal(1, reloaded["favourites_count"]!.GetValue<int>());
        Assert.Equal(1, reloaded["replies_count"]!.GetValue<int>());
        Assert.True(reloaded["favourited"]!.GetValue<bool>());
        Assert.Contains(status.Id(), (await again.GetArrayAsync("/api/v1/timelines/home")).Ids());
        Assert.Contains(status.Id(), (await again.GetArrayAsync("/api/v1/timelines/tag/pyongyang")).Ids());
        Assert.Equal([comment.Id()], (await again.GetJsonAsync($"/api/v1/statuses/{status.Id()}/context"))["descendants"]!.AsArray().Ids());
        Assert.Equal(served, await again.GetByteArrayAsync(reloaded["media_attachments"]![0]!["url"]!.GetValue<string>(), Cancel));
    }
}
