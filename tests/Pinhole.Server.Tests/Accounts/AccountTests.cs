using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Accounts;

public sealed class AccountTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task VerifyCredentialsIncludesThePostingDefaultsAndRole()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        var me = await minji.Client.GetJsonAsync("/api/v1/accounts/verify_credentials");

        Assert.Equal("public", me["source"]!["privacy"]!.GetValue<string>());
        Assert.False(me["source"]!["sensitive"]!.GetValue<bool>());
        Assert.NotNull(me["role"]);
        Assert.Equal(0, me["statuses_count"]!.GetValue<int>());
        Assert.EndsWith("/@minji", me["url"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdatingCredentialsChangesTheProfileAndPostingDefaults()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials")
        {
            Content = Api.Form(("display_name", "Minji 📷"), ("note", "Photos from #pyongyang <b>daily</b>"), ("locked", "true"),
                ("fields_attributes[0][name]", "Based in"), ("fields_attributes[0][value]", "Pyongyang"),
                ("source[privacy]", "private"), ("source[language]", "ko")),
        };
        var updated = await Api.ReadSuccessAsync(await minji.Client.SendAsync(request, Cancel));
        var post = await minji.Client.PostFormAsync("/api/v1/statuses", ("status", "default visibility"));

        Assert.Equal("Minji 📷", updated["display_name"]!.GetValue<string>());
        Assert.True(updated["locked"]!.GetValue<bool>());
        Assert.Contains("&lt;b&gt;daily&lt;/b&gt;", updated["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("class=\"mention hashtag\"", updated["note"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Photos from #pyongyang <b>daily</b>", updated["source"]!["note"]!.GetValue<string>());
        Assert.Equal("Based in", updated["fields"]![0]!["name"]!.GetValue<string>());
        Assert.Equal("private", updated["source"]!["privacy"]!.GetValue<string>());
        Assert.Equal("private", post["visibility"]!.GetValue<string>());
        Assert.Equal("ko", post["language"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnAvatarIsProcessedStrippedAndServed()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        using var form = new MultipartFormDataContent();
        form.Add(new ByteArrayContent(await TestImages.JpegWithGpsAsync(1200, 900)), "avatar", "me.jpg");

        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials") { Content = form };
        var updated = await Api.ReadSuccessAsync(await minji.Client.SendAsync(request, Cancel));

        var avatarUrl = updated["avatar"]!.GetValue<string>();
        Assert.Contains("/media/", avatarUrl, StringComparison.Ordinal);
        var bytes = await minji.Client.GetByteArrayAsync(avatarUrl, Cancel);
        var directories = MetadataExtractor.ImageMetadataReader.ReadMetadata(new MemoryStream(bytes));
        Assert.Empty(directories.OfType<MetadataExtractor.Formats.Exif.GpsDirectory>());
        var jpeg = directories.OfType<MetadataExtractor.Formats.Jpeg.JpegDirectory>().Single();
        Assert.Equal(400, Math.Max(jpeg.GetImageWidth(), jpeg.GetImageHeight()));
    }

    [Theory]
    [InlineData("display_name", 31)]
    [InlineData("note", 501)]
    public async Task OverLongProfileTextIsRefused(string field, int length)
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials") { Content = Api.Form((field, new string('a', length))) };
        await minji.Client.SendAsync(request, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Theory]
    [InlineData("source[privacy]", "everyone")]
    [InlineData("source[language]", "not a language")]
    [InlineData("fields_attributes[0][name]", "a name over two hundred and fifty five characters long, repeated: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task ProfileSettingsThatMakeNoSenseAreRefused(string key, string value)
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        using var request = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials") { Content = Api.Form((key, value)) };
        await minji.Client.SendAsync(request, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task AccountsCanBeLookedUpByUsernameOrHandle()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        using var anonymous = app.CreateClient();

        Assert.Equal(minji.Id, (await anonymous.GetJsonAsync("/api/v1/accounts/lookup?acct=MinJi")).Id());
        Assert.Equal(minji.Id, (await anonymous.GetJsonAsync($"/api/v1/accounts/lookup?acct=minji@{app.BaseAddress.Authority}")).Id());
        Assert.Equal("minji", (await anonymous.GetJsonAsync($"/api/v1/accounts/{minji.Id}"))["username"]!.GetValue<string>());
        await anonymous.GetAsync("/api/v1/accounts/lookup?acct=minji@elsewhere.example", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await anonymous.GetAsync("/api/v1/accounts/lookup?acct=nobody", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await anonymous.GetAsync("/api/v1/accounts/123456789", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await anonymous.GetAsync("/api/v1/accounts/not-a-number", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RelationshipsSayWhoFollowsWhom()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var reader = await app.RegisterAsync("reader");
        var stranger = await app.RegisterAsync("stranger");
        await reader.FollowAsync(minji);
        await minji.Client.PostFormAsync($"/api/v1/accounts/{reader.Id}/follow", ("reblogs", "false"), ("notify", "true"));

        var relationships = await reader.Client.GetArrayAsync($"/api/v1/accounts/relationships?id[]={minji.Id}&id[]={stranger.Id}&id[]=999");

        Assert.Equal([minji.Id, stranger.Id], relationships.Ids());
        Assert.True(relationships[0]!["following"]!.GetValue<bool>());
        Assert.True(relationships[0]!["followed_by"]!.GetValue<bool>());
        Assert.False(relationships[1]!["following"]!.GetValue<bool>());
        var minjiView = await minji.Client.GetArrayAsync($"/api/v1/accounts/relationships?id[]={reader.Id}");
        Assert.False(minjiView[0]!["showing_reblogs"]!.GetValue<bool>());
        Assert.True(minjiView[0]!["notifying"]!.GetValue<bool>());
    }

    [Fact]
    public async Task FollowingUpdatesCountsAndListsBothWays()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var readers = new List<TestUser>();
        for (var i = 0; i < 3; i++)
            readers.Add(await app.RegisterAsync($"reader{i}"));

        foreach (var reader in readers)
            await reader.FollowAsync(minji);
        await readers[0].FollowAsync(minji);
        await readers[2].Client.PostFormAsync($"/api/v1/accounts/{minji.Id}/unfollow");

        var profile = await minji.Client.GetJsonAsync($"/api/v1/accounts/{minji.Id}");
        Assert.Equal(2, profile["followers_count"]!.GetValue<int>());
        Assert.Equal([readers[1].Id, readers[0].Id], (await minji.Client.GetArrayAsync($"/api/v1/accounts/{minji.Id}/followers")).Ids());
        Assert.Equal([minji.Id], (await minji.Client.GetArrayAsync($"/api/v1/accounts/{readers[0].Id}/following")).Ids());
        Assert.Equal(1, (await readers[0].Client.GetJsonAsync("/api/v1/accounts/verify_credentials"))["following_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task NobodyCanFollowThemselvesOrSomeoneWhoDoesNotExist()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        await minji.Client.PostAsync($"/api/v1/accounts/{minji.Id}/follow", null, Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await minji.Client.PostAsync("/api/v1/accounts/42/follow", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ConcurrentFollowsNeverMiscountFollowers()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var readers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => app.RegisterAsync($"reader{i}")));

        await Task.WhenAll(readers.SelectMany(r => new[] { r.FollowAsync(minji), r.FollowAsync(minji) }));

        Assert.Equal(12, (await minji.Client.GetJsonAsync($"/api/v1/accounts/{minji.Id}"))["followers_count"]!.GetValue<int>());
    }
}
