using System.Net;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Social;

public sealed class SearchTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PeopleAreFoundByTheStartOfTheirNameMostRelevantFirst()
    {
        await using var app = await PinholeApp.StartAsync();
        var searcher = await app.RegisterAsync("searcher");
        var min = await app.RegisterAsync("min");
        var minji = await app.RegisterAsync("minji");
        var guide = await app.RegisterAsync("guide");
        using var rename = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials") { Content = Api.Form(("display_name", "Minsu the Guide")) };
        await Api.ReadSuccessAsync(await guide.Client.SendAsync(rename, Cancel));
        await searcher.FollowAsync(guide);

        var found = (await searcher.Client.GetJsonAsync("/api/v2/search?q=MIN&type=accounts"))["accounts"]!.AsArray();

        Assert.Equal([min.Id, guide.Id, minji.Id], found.Ids());
        Assert.Equal([minji.Id], (await searcher.Client.GetArrayAsync($"/api/v1/accounts/search?q=@minji@{app.BaseAddress.Authority}")).Ids());
        Assert.Equal([guide.Id], (await searcher.Client.GetArrayAsync("/api/v1/accounts/search?q=min&following=true")).Ids());
    }

    [Fact]
    public async Task ANameContinuingWithAnEmojiOrAnyScriptIsStillFoundByItsStart()
    {
        await using var app = await PinholeApp.StartAsync();
        var searcher = await app.RegisterAsync("searcher");
        var emoji = await app.RegisterAsync("photographer");
        var korean = await app.RegisterAsync("guide");
        foreach (var (user, name) in new[] { (emoji, "Min📷 Photos"), (korean, "Min 김정") })
        {
            using var rename = new HttpRequestMessage(HttpMethod.Patch, "/api/v1/accounts/update_credentials") { Content = Api.Form(("display_name", name)) };
            await Api.ReadSuccessAsync(await user.Client.SendAsync(rename, Cancel));
        }

        var found = (await searcher.Client.GetArrayAsync("/api/v1/accounts/search?q=min")).Ids();

        Assert.Equal(2, found.Count);
        Assert.Contains(emoji.Id, found);
        Assert.Contains(korean.Id, found);
        Assert.Equal([korean.Id], (await searcher.Client.GetArrayAsync("/api/v1/accounts/search?q=min%20김")).Ids());
    }

    [Fact]
    public async Task HashtagsAreFoundByTheirStart()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        await minji.PostStatusAsync("#pyongyang #pyongyangfood #pyeongchang");

        var tags = (await minji.Client.GetJsonAsync("/api/v2/search?q=%23PYONGYANG&type=hashtags"))["hashtags"]!.AsArray();

        Assert.Equal(["pyongyang", "pyongyangfood"], tags.Select(t => t!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task PostsAreFoundByTheirWordsNewestFirstAmongThoseTheSearcherMaySee()
    {
        await using var app = await PinholeApp.StartAsync();
        var searcher = await app.RegisterAsync("searcher");
        var minji = await app.RegisterAsync("minji");
        var older = await minji.PostStatusAsync("Cold noodles at Okryu restaurant");
        var newer = await minji.PostStatusAsync("Naengmyeon: the cold noodles of Pyongyang");
        await minji.PostStatusAsync("Cold noodles, for my followers only", "private");
        await minji.PostStatusAsync("Warm soup instead");

        var found = (await searcher.Client.GetJsonAsync("/api/v2/search?q=cold%20NOODLES&type=statuses"))["statuses"]!.AsArray();
        var prefix = (await searcher.Client.GetJsonAsync("/api/v2/search?q=nood&type=statuses"))["statuses"]!.AsArray();
        var paged = (await searcher.Client.GetJsonAsync("/api/v2/search?q=noodles&type=statuses&limit=1&offset=1"))["statuses"]!.AsArray();

        Assert.Equal([newer.Id(), older.Id()], found.Ids());
        Assert.Equal([newer.Id(), older.Id()], prefix.Ids());
        Assert.Equal([older.Id()], paged.Ids());
        Assert.Empty((await app.CreateClient().GetJsonAsync("/api/v2/search?q=noodles&type=statuses"))["statuses"]!.AsArray());
    }

    [Fact]
    public async Task ASingleLetterIsAWordOfItsOwnAndTwoLettersStartAWord()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var letter = await minji.PostStatusAsync("I was at Mansu Hill");
        var word = await minji.PostStatusAsync("Ice on the Taedong");

        Assert.Equal([letter.Id()], (await minji.Client.GetJsonAsync("/api/v2/search?q=i&type=statuses"))["statuses"]!.AsArray().Ids());
        Assert.Equal([word.Id()], (await minji.Client.GetJsonAsync("/api/v2/search?q=ic&type=statuses"))["statuses"]!.AsArray().Ids());
        Assert.Equal([word.Id()], (await minji.Client.GetJsonAsync("/api/v2/search?q=on%20taedo&type=statuses"))["statuses"]!.AsArray().Ids());
    }

    [Fact]
    public async Task AnEditedOrDeletedPostIsSearchedAsItIsNow()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var post = await minji.PostStatusAsync("Pyongang typo");
        var gone = await minji.PostStatusAsync("Pyongyang deleted");
        using var edit = await minji.Client.PutAsync($"/api/v1/statuses/{post.Id()}", Api.Form(("status", "Pyongyang fixed")), Cancel);
        await Api.ReadSuccessAsync(edit);
        await Api.ReadSuccessAsync(await minji.Client.DeleteAsync($"/api/v1/statuses/{gone.Id()}", Cancel));

        Assert.Equal([post.Id()], (await minji.Client.GetJsonAsync("/api/v2/search?q=pyongyang&type=statuses"))["statuses"]!.AsArray().Ids());
        Assert.Empty((await minji.Client.GetJsonAsync("/api/v2/search?q=pyongang&type=statuses"))["statuses"]!.AsArray());
    }

    [Fact]
    public async Task BlockedAndMutedAccountsAndTheirPostsStayOutOfResults()
    {
        await using var app = await PinholeApp.StartAsync();
        var searcher = await app.RegisterAsync("searcher");
        var troll = await app.RegisterAsync("trollface");
        var blocker = await app.RegisterAsync("trollhunter");
        await troll.PostStatusAsync("troll posting about noodles");
        await blocker.PostStatusAsync("hunting noodles");
        await searcher.Client.PostFormAsync($"/api/v1/accounts/{troll.Id}/mute");
        await blocker.Client.PostFormAsync($"/api/v1/accounts/{searcher.Id}/block");

        var results = await searcher.Client.GetJsonAsync("/api/v2/search?q=troll");
        var posts = await searcher.Client.GetJsonAsync("/api/v2/search?q=noodles&type=statuses");

        Assert.Empty(results["accounts"]!.AsArray());
        Assert.Empty(posts["statuses"]!.AsArray());
    }

    [Theory]
    [InlineData("\" OR 1=1 --")]
    [InlineData("noodles' ; DROP TABLE statuses; --")]
    [InlineData("NEAR(noodles cold) AND * OR \"")]
    [InlineData("text:noodles -cold ^pyongyang {x}")]
    [InlineData("%_%")]
    public async Task QueriesMadeOfSqlOrSearchSyntaxAreJustText(string query)
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        await minji.PostStatusAsync("cold noodles in pyongyang");

        var results = await minji.Client.GetJsonAsync("/api/v2/search?q=" + Uri.EscapeDataString(query));

        Assert.NotNull(results["statuses"]);
        Assert.Single((await minji.Client.GetJsonAsync("/api/v2/search?q=noodles&type=statuses"))["statuses"]!.AsArray());
    }

    [Fact]
    public async Task AnOverLongOrEmptyQueryIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");

        await minji.Client.GetAsync("/api/v2/search?q=" + new string('a', 10_000), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.GetAsync("/api/v2/search?q=", Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await minji.Client.GetAsync("/api/v2/search?q=a&type=everything", Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await app.CreateClient().GetAsync("/api/v2/search?q=a&offset=5", Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);
    }
}
