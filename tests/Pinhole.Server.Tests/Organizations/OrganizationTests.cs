using System.Net;
using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Server.Tests.Streaming;

namespace Pinhole.Server.Tests.Organizations;

/// <summary>Organisations: a tour agency whose guides post as it, each from their own phone, credited as they choose.</summary>
public sealed class OrganizationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string? ContributorOf(JsonNode status) => status["pinhole"]!["contributor"]?["username"]?.GetValue<string>();

    [Fact]
    public async Task AnAgencyWithThreeGuidesEachPostingShowsEachPostAsTheAgencysWithTheGuidesCredit()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours", "Koryo Tours");
        var drew = await app.RegisterAsync("drew");
        var minji = await app.RegisterAsync("minji");
        var sol = await app.RegisterAsync("sol");
        await chief.AddMemberAsync(agency, drew, "contributor");
        await chief.AddMemberAsync(agency, minji, "contributor");
        await chief.AddMemberAsync(agency, sol, "contributor", credited: false);

        var posts = new[]
        {
            await drew.PostAsAsync(agency, "Mansu Hill at dawn"),
            await minji.PostAsAsync(agency, "The metro at Puhung"),
            await sol.PostAsAsync(agency, "Lunch at Okryu-gwan"),
        };

        Assert.All(posts, p => Assert.Equal("koryotours", p["account"]!["username"]!.GetValue<string>()));
        Assert.Equal(["drew", "minji", null], posts.Select(ContributorOf));
        var profile = await app.CreateClient().GetArrayAsync($"/api/v1/accounts/{agency}/statuses");
        Assert.Equal(posts.Select(p => p.Id()).Reverse(), profile.Ids());
        Assert.Equal(["minji", "drew"], profile.Select(p => ContributorOf(p!)).OfType<string>().ToList());
        var account = await app.CreateClient().GetJsonAsync($"/api/v1/accounts/{agency}");
        Assert.True(account["pinhole"]!["organization"]!.GetValue<bool>());
        Assert.Equal(3, account["statuses_count"]!.GetValue<int>());
        Assert.False((await app.CreateClient().GetJsonAsync($"/api/v1/accounts/{drew.Id}"))["pinhole"]!["organization"]!.GetValue<bool>());
        // The owners know who posted, credited or not.
        var audit = await chief.Client.GetArrayAsync($"/api/v1/pinhole/organizations/{agency}/audit");
        var postedBy = audit.Where(e => e!["action"]!.GetValue<string>() == "post").ToDictionary(e => e!["status_id"]!.GetValue<string>(), e => e!["account"]!["username"]!.GetValue<string>());
        Assert.Equal("sol", postedBy[posts[2].Id()]);
        Assert.Equal("drew", postedBy[posts[0].Id()]);
    }

    [Fact]
    public async Task AGuideRemovedFromTheAgencyCannotPostAsItAnyMoreButTheirPastPostsKeepTheirCredit()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours");
        var drew = await app.RegisterAsync("drew");
        await chief.AddMemberAsync(agency, drew, "editor");
        var before = await drew.PostAsAsync(agency, "Kaesong, before");

        await chief.Client.DeleteAsync($"/api/v1/pinhole/organizations/{agency}/members/{drew.Id}", Cancel);

        await drew.SendAsAsync(agency, ("status", "Kaesong, after")).ExpectErrorAsync(HttpStatusCode.Forbidden);
        using var deleting = OrganizationApi.ActAs(HttpMethod.Delete, $"/api/v1/statuses/{before.Id()}", agency);
        await drew.Client.SendAsync(deleting, Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        Assert.Equal("drew", ContributorOf(await app.CreateClient().GetJsonAsync($"/api/v1/statuses/{before.Id()}")));
        var audit = await chief.Client.GetArrayAsync($"/api/v1/pinhole/organizations/{agency}/audit");
        Assert.Equal("remove", audit[0]!["action"]!.GetValue<string>());
        Assert.Equal("drew", audit[0]!["target_account"]!["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task ActingAsAnOrganisationOneIsNotAMemberOfIsForbidden()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours");
        var stranger = await app.RegisterAsync("stranger");
        var invited = await app.RegisterAsync("invited");
        await chief.Client.PostFormAsync($"/api/v1/pinhole/organizations/{agency}/members", ("account_id", invited.Id), ("role", "contributor"));

        await stranger.SendAsAsync(agency, ("status", "Not mine to say")).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await invited.SendAsAsync(agency, ("status", "Not accepted yet")).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await stranger.SendAsAsync(chief.Id, ("status", "A person is no organisation")).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await stranger.SendAsAsync("koryotours", ("status", "Not an id")).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Empty(await app.CreateClient().GetArrayAsync($"/api/v1/accounts/{agency}/statuses"));
    }

    [Fact]
    public async Task AContributorsPostWaitsForReviewUnseenThenApprovalPublishesItToFollowersStreams()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours");
        using (var review = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/pinhole/organizations/{agency}") { Content = Api.Form(("requires_review", "true")) })
            Assert.True((await Api.ReadSuccessAsync(await chief.Client.SendAsync(review, Cancel)))["requires_review"]!.GetValue<bool>());
        var editor = await app.RegisterAsync("editor");
        var drew = await app.RegisterAsync("drew");
        await chief.AddMemberAsync(agency, editor, "editor");
        await chief.AddMemberAsync(agency, drew, "contributor");
        var reader = await app.RegisterAsync("reader");
        await reader.Client.PostFormAsync($"/api/v1/accounts/{agency}/follow");
        await using var readerStream = await SseClient.ConnectAsync(reader.Client, "/api/v1/streaming/user");
        await using var tagStream = await SseClient.ConnectAsync(app.CreateClient(), "/api/v1/streaming/hashtag?tag=dmz");

        using var sent = await drew.SendAsAsync(agency, ("status", "Panmunjom from the north #dmz"));
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        var submission = await Api.ReadSuccessAsync(sent);
        Assert.Equal("pending", submission["state"]!.GetValue<string>());

        Assert.Empty(await app.CreateClient().GetArrayAsync($"/api/v1/accounts/{agency}/statuses"));
        Assert.Empty(await app.CreateClient().GetArrayAsync("/api/v1/timelines/tag/dmz"));
        Assert.Empty(await reader.Client.GetArrayAsync("/api/v1/timelines/home"));
        Assert.Null(await readerStream.NextAsync(TimeSpan.FromMilliseconds(500)));
        Assert.Equal([submission.Id()], (await drew.Client.GetArrayAsync($"/api/v1/pinhole/organizations/{agency}/submissions")).Ids());
        var queue = await editor.Client.GetArrayAsync($"/api/v1/pinhole/organizations/{agency}/submissions");
        Assert.Equal([submission.Id()], queue.Ids());

        var post = await editor.Client.PostFormAsync($"/api/v1/pinhole/organizations/{agency}/submissions/{submission.Id()}/approve");

        Assert.Equal("koryotours", post["account"]!["username"]!.GetValue<string>());
        Assert.Equal("drew", ContributorOf(post));
        var update = await readerStream.ExpectAsync("update");
        Assert.Equal(post.Id(), JsonNode.Parse(update.Data)!.Id());
        Assert.Equal(post.Id(), JsonNode.Parse((await tagStream.ExpectAsync("update")).Data)!.Id());
        Assert.Equal([post.Id()], (await app.CreateClient().GetArrayAsync("/api/v1/timelines/tag/dmz")).Ids());
        Assert.Empty(await editor.Client.GetArrayAsync($"/api/v1/pinhole/organizations/{agency}/submissions"));
        var actions = (await chief.Client.GetArrayAsync($"/api/v1/pinhole/organizations/{agency}/audit")).Select(e => e!["action"]!.GetValue<string>()).Take(3);
        Assert.Equal(["approve", "post", "submit"], actions);
    }

    [Fact]
    public async Task APostMadeAsAnOrganisationReachesItsFollowersAndItsHashtagsStreamsLikeAnyPost()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours");
        var drew = await app.RegisterAsync("drew");
        await chief.AddMemberAsync(agency, drew, "contributor");
        var reader = await app.RegisterAsync("reader");
        await reader.Client.PostFormAsync($"/api/v1/accounts/{agency}/follow", ("notify", "true"));
        await using var readerStream = await SseClient.ConnectAsync(reader.Client, "/api/v1/streaming/user");
        await using var tagStream = await SseClient.ConnectAsync(app.CreateClient(), "/api/v1/streaming/hashtag?tag=wonsan");

        var post = await drew.PostAsAsync(agency, "The beach at Wonsan #wonsan");

        // The follower who asked to be told of every post hears of it first, then gets it, as for any account.
        var notification = JsonNode.Parse((await readerStream.ExpectAsync("notification")).Data)!;
        Assert.Equal(("status", agency), (notification["type"]!.GetValue<string>(), notification["account"]!.Id()));
        var update = JsonNode.Parse((await readerStream.ExpectAsync("update")).Data)!;
        Assert.Equal((post.Id(), "koryotours", "drew"), (update.Id(), update["account"]!["username"]!.GetValue<string>(), ContributorOf(update)));
        Assert.Equal(post.Id(), JsonNode.Parse((await tagStream.ExpectAsync("update")).Data)!.Id());
    }

    [Fact]
    public async Task AVideoPostedAsAnOrganisationWhileStillProcessingIsHeldAndGoesOutAsTheOrganisations()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours");
        var drew = await app.RegisterAsync("drew");
        await chief.AddMemberAsync(agency, drew, "contributor");
        using var upload = await drew.Client.SendUploadAsync(await TestVideos.PhoneClipAsync(640, 360, seconds: 1), "clip.mov", "video/quicktime");
        var clip = await Api.ReadSuccessAsync(upload);

        using var sent = await drew.SendAsAsync(agency, ("status", "The metro, moving"), ("media_ids[]", clip.Id()), ("pinhole_wait_for_media", "true"));
        var answer = await Api.ReadSuccessAsync(sent);

        var deadline = DateTime.UtcNow.AddSeconds(120);
        JsonArray posts;
        while ((posts = await app.CreateClient().GetArrayAsync($"/api/v1/accounts/{agency}/statuses")).Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(100, Cancel);
        var posted = Assert.Single(posts)!;
        Assert.Equal("drew", ContributorOf(posted));
        Assert.Equal(clip.Id(), posted["media_attachments"]![0]!.Id());
        Assert.True(sent.StatusCode == HttpStatusCode.Accepted || answer.Id() == posted.Id(), $"answered {sent.StatusCode}");
    }

    [Fact]
    public async Task ARejectedSubmissionNotifiesItsContributorWithTheReasonAndNeverAppears()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours");
        using (var review = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/pinhole/organizations/{agency}") { Content = Api.Form(("requires_review", "true")) })
            await Api.ReadSuccessAsync(await chief.Client.SendAsync(review, Cancel));
        var drew = await app.RegisterAsync("drew");
        await chief.AddMemberAsync(agency, drew, "contributor");

        using var sent = await drew.SendAsAsync(agency, ("status", "A soldier's face, close up"));
        var submission = await Api.ReadSuccessAsync(sent);
        await chief.Client.PostFormAsync($"/api/v1/pinhole/organizations/{agency}/submissions/{submission.Id()}/reject", ("reason", "No faces of soldiers, please"));

        var notified = await drew.Client.GetArrayAsync("/api/v1/notifications?types[]=pinhole.submission_rejected");
        Assert.Equal(submission.Id(), Assert.Single(notified)!["pinhole"]!["submission_id"]!.GetValue<string>());
        Assert.Equal(agency, notified[0]!["account"]!.Id());
        // Mastodon apps, which do not know the type, are not shown it.
        Assert.DoesNotContain(await drew.Client.GetArrayAsync("/api/v1/notifications"), n => n!["type"]!.GetValue<string>().StartsWith("pinhole.", StringComparison.Ordinal));
        var rejected = await drew.Client.GetJsonAsync($"/api/v1/pinhole/organizations/{agency}/submissions/{submission.Id()}");
        Assert.Equal("rejected", rejected["state"]!.GetValue<string>());
        Assert.Equal("No faces of soldiers, please", rejected["reason"]!.GetValue<string>());
        Assert.Empty(await app.CreateClient().GetArrayAsync($"/api/v1/accounts/{agency}/statuses"));
        await chief.Client.PostAsync($"/api/v1/pinhole/organizations/{agency}/submissions/{submission.Id()}/approve", null, Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task InvitingSomeoneTwiceOrOneselfIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours");
        var drew = await app.RegisterAsync("drew");
        await chief.Client.PostFormAsync($"/api/v1/pinhole/organizations/{agency}/members", ("account_id", drew.Id), ("role", "contributor"));

        var twice = await chief.Client.PostAsync($"/api/v1/pinhole/organizations/{agency}/members", Api.Form(("account_id", drew.Id), ("role", "editor")), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        var oneself = await chief.Client.PostAsync($"/api/v1/pinhole/organizations/{agency}/members", Api.Form(("account_id", chief.Id), ("role", "owner")), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("already invited", twice, StringComparison.Ordinal);
        Assert.Contains("already a member", oneself, StringComparison.Ordinal);
        await chief.Client.PostAsync($"/api/v1/pinhole/organizations/{agency}/members", Api.Form(("account_id", agency), ("role", "editor")), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await chief.Client.PostAsync($"/api/v1/pinhole/organizations/{agency}/members", Api.Form(("account_id", drew.Id), ("role", "emperor")), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Single(await drew.Client.GetArrayAsync("/api/v1/pinhole/organizations?state=invited"));
        Assert.Single(await drew.Client.GetArrayAsync("/api/v1/notifications?types[]=pinhole.organization_invitation"));
    }

    [Fact]
    public async Task TheLastOwnerCannotLeaveOrStepDownUntilThereIsAnother()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours");
        var drew = await app.RegisterAsync("drew");
        await chief.AddMemberAsync(agency, drew, "editor");

        var leaving = await chief.Client.PostAsync($"/api/v1/pinhole/organizations/{agency}/leave", null, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("last owner", leaving, StringComparison.Ordinal);
        using (var stepDown = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/pinhole/organizations/{agency}/members/{chief.Id}") { Content = Api.Form(("role", "editor")) })
            await chief.Client.SendAsync(stepDown, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        using (var promote = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/pinhole/organizations/{agency}/members/{drew.Id}") { Content = Api.Form(("role", "owner")) })
            Assert.Equal("owner", (await Api.ReadSuccessAsync(await chief.Client.SendAsync(promote, Cancel)))["role"]!.GetValue<string>());
        await chief.Client.PostFormAsync($"/api/v1/pinhole/organizations/{agency}/leave");

        await chief.SendAsAsync(agency, ("status", "Gone")).ExpectErrorAsync(HttpStatusCode.Forbidden);
        var members = await drew.Client.GetArrayAsync($"/api/v1/pinhole/organizations/{agency}/members");
        Assert.Equal(["drew"], members.Select(m => m!["account"]!["username"]!.GetValue<string>()));
    }

    [Fact]
    public async Task OnlyOwnersInviteChangeRolesEditTheProfileAndReadTheAuditLog()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours");
        var editor = await app.RegisterAsync("editor");
        var drew = await app.RegisterAsync("drew");
        var outsider = await app.RegisterAsync("outsider");
        await chief.AddMemberAsync(agency, editor, "editor");
        await chief.AddMemberAsync(agency, drew, "contributor");

        await editor.Client.PostAsync($"/api/v1/pinhole/organizations/{agency}/members", Api.Form(("account_id", outsider.Id)), Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await editor.Client.GetAsync($"/api/v1/pinhole/organizations/{agency}/audit", Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        using (var promote = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/pinhole/organizations/{agency}/members/{drew.Id}") { Content = Api.Form(("role", "owner")) })
            await editor.Client.SendAsync(promote, Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        using (var credit = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/pinhole/organizations/{agency}/members/{drew.Id}") { Content = Api.Form(("credited", "false")) })
            await chief.Client.SendAsync(credit, Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        using (var rename = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/pinhole/organizations/{agency}") { Content = Api.Form(("display_name", "Mine now")) })
            await drew.Client.SendAsync(rename, Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await outsider.Client.GetAsync($"/api/v1/pinhole/organizations/{agency}/members", Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);

        using (var locking = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/pinhole/organizations/{agency}") { Content = Api.Form(("locked", "true")) })
            await chief.Client.SendAsync(locking, Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        using (var rename = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/pinhole/organizations/{agency}") { Content = Api.Form(("display_name", "Koryo Tours"), ("note", "Tours of the DPRK")) })
            await Api.ReadSuccessAsync(await chief.Client.SendAsync(rename, Cancel));
        var organization = await app.CreateClient().GetJsonAsync($"/api/v1/pinhole/organizations/{agency}");
        Assert.Equal("Koryo Tours", organization["account"]!["display_name"]!.GetValue<string>());
        Assert.Null(organization["membership"]);
        Assert.Equal("contributor", (await drew.Client.GetJsonAsync($"/api/v1/pinhole/organizations/{agency}"))["membership"]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task EditorsDeleteAnyOfItsPostsAndTheCommentsUnderThemWhileContributorsDeleteOnlyTheirOwn()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        var agency = await chief.CreateOrganizationAsync("koryotours");
        var editor = await app.RegisterAsync("editor");
        var drew = await app.RegisterAsync("drew");
        var minji = await app.RegisterAsync("minji");
        var troll = await app.RegisterAsync("troll");
        await chief.AddMemberAsync(agency, editor, "editor");
        await chief.AddMemberAsync(agency, drew, "contributor");
        await chief.AddMemberAsync(agency, minji, "contributor");
        var drewsPost = await drew.PostAsAsync(agency, "Drew's photo");
        var minjisPost = await minji.PostAsAsync(agency, "Minji's photo");
        var comment = await troll.PostStatusAsync("What a terrible photo", inReplyTo: drewsPost.Id());

        async Task<HttpStatusCode> DeleteAsync(TestUser who, string id, bool actAs = true)
        {
            using var request = actAs ? OrganizationApi.ActAs(HttpMethod.Delete, $"/api/v1/statuses/{id}", agency) : new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/statuses/{id}");
            using var response = await who.Client.SendAsync(request, Cancel);
            return response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Forbidden, await DeleteAsync(drew, minjisPost.Id()));
        Assert.Equal(HttpStatusCode.Forbidden, await DeleteAsync(drew, drewsPost.Id(), actAs: false));
        Assert.Equal(HttpStatusCode.Forbidden, await DeleteAsync(drew, comment.Id()));
        using (var edit = OrganizationApi.ActAs(HttpMethod.Put, $"/api/v1/statuses/{drewsPost.Id()}", agency, Api.Form(("status", "Drew, Pyongyang"))))
            Assert.Contains("Drew, Pyongyang", (await Api.ReadSuccessAsync(await drew.Client.SendAsync(edit, Cancel)))["content"]!.GetValue<string>(), StringComparison.Ordinal);
        using (var edit = OrganizationApi.ActAs(HttpMethod.Put, $"/api/v1/statuses/{minjisPost.Id()}", agency, Api.Form(("status", "Not yours"))))
            await drew.Client.SendAsync(edit, Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, await DeleteAsync(editor, comment.Id()));
        Assert.Equal(HttpStatusCode.OK, await DeleteAsync(drew, drewsPost.Id()));
        Assert.Equal(HttpStatusCode.OK, await DeleteAsync(editor, minjisPost.Id()));

        Assert.Empty(await app.CreateClient().GetArrayAsync($"/api/v1/accounts/{agency}/statuses"));
        await app.CreateClient().GetAsync($"/api/v1/statuses/{comment.Id()}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        var deletions = (await chief.Client.GetArrayAsync($"/api/v1/pinhole/organizations/{agency}/audit"))
            .Where(e => e!["action"]!.GetValue<string>() == "delete").Select(e => (e!["account"]!["username"]!.GetValue<string>(), e["target_account"]!["username"]!.GetValue<string>()));
        Assert.Equal([("editor", "minji"), ("drew", "drew"), ("editor", "troll")], deletions);
    }

    [Fact]
    public async Task NobodySignsInAsAnOrganisationItHasNoPassword()
    {
        await using var app = await PinholeApp.StartAsync();
        var chief = await app.RegisterAsync("chief");
        await chief.CreateOrganizationAsync("koryotours");
        var (clientId, secret) = await app.CreateAppAsync();

        await app.CreateClient().PostAsync("/oauth/token", Api.Form(("grant_type", "password"), ("username", "koryotours"), ("password", ""),
            ("client_id", clientId), ("client_secret", secret)), Cancel).ExpectErrorAsync(HttpStatusCode.BadRequest);
        var taken = await chief.Client.PostAsync("/api/v1/pinhole/organizations", Api.Form(("username", "KoryoTours")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already been taken", taken, StringComparison.Ordinal);
    }
}
