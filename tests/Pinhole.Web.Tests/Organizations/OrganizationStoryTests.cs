using System.Text.RegularExpressions;
using Pinhole.Server.Tests.Infrastructure;
using Pinhole.Server.Tests.Organizations;
using Pinhole.Web.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Organizations;

/// <summary>
/// A tour agency on the web: its owner makes it and invites a guide, who accepts in their own browser and posts as
/// the agency from compose, credited; contributors' posts wait for an editor when review is on; a removed guide loses
/// the choice at once; and mistakes come back as messages, never as errors.
/// </summary>
public sealed class OrganizationStoryTests(Chromium chromium) : IClassFixture<Chromium>
{
    [Fact(Timeout = 600_000)]
    public async Task AnOwnerInvitesAGuideWhoAcceptsAndPostsAsTheAgencyWithCredit()
    {
        await using var app = await PinholeApp.StartAsync();
        await using var guide = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone);
        await guide.SignUpAsync("guide");
        await using var owner = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Desktop);
        await owner.SignUpAsync("haneul");
        var page = owner.Page;

        await page.GotoAsync("/settings");
        await page.GetByRole(AriaRole.Link, new() { Name = "Your organisations" }).ClickAsync();
        await page.GetByLabel("Username").FillAsync("koryo_tours");
        await page.GetByLabel("Display name").FillAsync("Koryo Tours");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organisation" }).ClickAsync();
        await page.WaitForURLAsync("**/organizations/koryo_tours");
        await page.GetByLabel("Username").FillAsync("guide");
        await page.GetByLabel("Role", new() { Exact = true }).SelectOptionAsync("contributor");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-member=\"guide\"]")).ToContainTextAsync("Invited as contributor");
        await owner.ScreenshotAsync("organization-members");

        var phone = guide.Page;
        // The guide learns of it where news arrives: the notifications page says an invitation waits, and where to answer it.
        await phone.GotoAsync("/notifications");
        await Assertions.Expect(phone.GetByText("An organisation has invited you to join it.")).ToBeVisibleAsync();
        await phone.GetByRole(AriaRole.Link, new() { Name = "Answer in Your organisations" }).ClickAsync();
        await Assertions.Expect(phone.GetByText("You are invited as a contributor.")).ToBeVisibleAsync();
        await guide.ScreenshotAsync("organization-invitation");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Accept the invitation from koryo_tours" }).ClickAsync();
        await Assertions.Expect(phone.Locator("#memberships-title + ul")).ToContainTextAsync("koryo_tours");
        await phone.GotoAsync("/notifications");
        await Assertions.Expect(phone.GetByText("invited you to join")).ToHaveCountAsync(0);

        await phone.GotoAsync("/compose");
        await phone.GetByLabel("Post as").SelectOptionAsync(new SelectOptionValue { Label = "Koryo Tours (@koryo_tours)" });
        await phone.GetByLabel("Caption").FillAsync("Our group at the Arch of Triumph this morning #pyongyang");
        await guide.ScreenshotAsync("compose-post-as");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Share" }).ClickAsync();
        await phone.WaitForURLAsync(new Regex("/@koryo_tours/[0-9]+$"));
        var credit = phone.Locator(".credit");
        await Assertions.Expect(credit).ToHaveTextAsync("📷 by @guide");
        await Assertions.Expect(credit.GetByRole(AriaRole.Link, new() { Name = "@guide" })).ToHaveAttributeAsync("href", "/@guide");

        // The agency's profile has it, and its owner sees in the audit log who posted it.
        await page.GotoAsync("/@koryo_tours");
        await Assertions.Expect(page.Locator(".grid")).ToContainTextAsync("Our group at the Arch of Triumph");
        await page.GotoAsync("/organizations/koryo_tours/audit");
        await Assertions.Expect(page.Locator(".audit li").First).ToContainTextAsync("guide posted a post (credited)");
        await owner.ScreenshotAsync("organization-audit");
        Assert.Empty(owner.Errors);
        Assert.Empty(guide.Errors);
    }

    [Fact(Timeout = 600_000)]
    public async Task WithReviewOnAContributorsPostWaitsUntilAnEditorApprovesIt()
    {
        await using var app = await PinholeApp.StartAsync();
        var haneul = await app.RegisterAsync("haneul");
        var agency = await haneul.CreateOrganizationAsync("koryo_tours", "Koryo Tours");
        await haneul.AddMemberAsync(agency, await app.RegisterAsync("sora"), "editor");
        await haneul.AddMemberAsync(agency, await app.RegisterAsync("guide"), "contributor");

        await using var owner = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Desktop);
        await owner.SignInAsync("haneul");
        await owner.Page.GotoAsync("/organizations/koryo_tours");
        await owner.Page.GetByLabel("Review contributors' posts").CheckAsync();
        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "Save review setting" }).ClickAsync();
        await Assertions.Expect(owner.Page.GetByLabel("Review contributors' posts")).ToBeCheckedAsync();

        await using var guide = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone);
        await guide.SignInAsync("guide");
        await guide.Page.GotoAsync("/compose");
        await guide.Page.GetByLabel("Post as").SelectOptionAsync(new SelectOptionValue { Label = "Koryo Tours (@koryo_tours), after an editor's review" });
        await guide.Page.GetByLabel("Caption").FillAsync("Lunch stop in Kaesong");
        await guide.Page.GetByRole(AriaRole.Button, new() { Name = "Share" }).ClickAsync();
        await guide.Page.WaitForURLAsync("**/@guide");
        using var anonymous = app.CreateClient();
        Assert.Empty(await anonymous.GetArrayAsync($"/api/v1/accounts/{agency}/statuses"));

        await using var editor = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone);
        await editor.SignInAsync("sora");
        await editor.Page.GotoAsync("/organizations/koryo_tours/review");
        await Assertions.Expect(editor.Page.Locator("article.post")).ToContainTextAsync("Lunch stop in Kaesong");
        await editor.ScreenshotAsync("organization-review");
        await editor.Page.GetByRole(AriaRole.Button, new() { Name = "Approve the post by guide" }).ClickAsync();
        await Assertions.Expect(editor.Page.GetByText("Nothing is waiting.")).ToBeVisibleAsync();
        await editor.Page.GetByRole(AriaRole.Link, new() { Name = "See the post" }).ClickAsync();
        await editor.Page.WaitForURLAsync(new Regex("/@koryo_tours/[0-9]+$"));
        await Assertions.Expect(editor.Page.Locator(".caption")).ToContainTextAsync("Lunch stop in Kaesong");
        await Assertions.Expect(editor.Page.Locator(".credit")).ToHaveTextAsync("📷 by @guide");
        Assert.Single(await anonymous.GetArrayAsync($"/api/v1/accounts/{agency}/statuses"));
        Assert.Empty(owner.Errors);
        Assert.Empty(guide.Errors);
        Assert.Empty(editor.Errors);
    }

    [Fact(Timeout = 600_000)]
    public async Task ARemovedGuideNoLongerSeesTheAgencyInThePostAsChoice()
    {
        await using var app = await PinholeApp.StartAsync();
        var haneul = await app.RegisterAsync("haneul");
        var agency = await haneul.CreateOrganizationAsync("koryo_tours", "Koryo Tours");
        await haneul.AddMemberAsync(agency, await app.RegisterAsync("guide"), "contributor");
        await using var guide = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone);
        await guide.SignInAsync("guide");
        await guide.Page.GotoAsync("/compose");
        await Assertions.Expect(guide.Page.GetByLabel("Post as").Locator("option")).ToHaveTextAsync(["Yourself (@guide)", "Koryo Tours (@koryo_tours)"]);

        await using var owner = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Desktop);
        await owner.SignInAsync("haneul");
        await owner.Page.GotoAsync("/organizations/koryo_tours");
        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "Remove guide" }).ClickAsync();
        await Assertions.Expect(owner.Page.Locator("[data-member=\"guide\"]")).ToHaveCountAsync(0);

        await guide.Page.ReloadAsync();
        await Assertions.Expect(guide.Page.GetByLabel("Caption")).ToBeVisibleAsync();
        await Assertions.Expect(guide.Page.GetByLabel("Post as")).ToHaveCountAsync(0);
        Assert.Empty(guide.Errors);
        Assert.Empty(owner.Errors);
    }

    [Fact(Timeout = 600_000)]
    public async Task MistakesComeBackAsMessagesAndStrangersAreRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var haneul = await app.RegisterAsync("haneul");
        await haneul.CreateOrganizationAsync("koryo_tours", "Koryo Tours");
        await app.RegisterAsync("stranger");
        await using var owner = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Phone, javaScript: false);
        await owner.SignInAsync("haneul");
        var page = owner.Page;

        await page.GotoAsync("/organizations/koryo_tours");
        await page.GetByLabel("Username").FillAsync("nobody_here");
        await page.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("There is no account called @nobody_here here");

        // The last owner cannot leave: the API's 422, in its own words, on the members page.
        var leaving = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Leave koryo_tours" }).ClickAsync(), response => response.Request.Method == "POST");
        Assert.Equal(422, leaving.Status);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("the last owner cannot leave");
        await owner.ScreenshotAsync("organization-last-owner");

        // A taken name for a new organisation comes back on the form with what was typed.
        await page.GotoAsync("/organizations");
        await page.GetByLabel("Username").FillAsync("stranger");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create organisation" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Validation failed: Username has already been taken");
        await Assertions.Expect(page.GetByLabel("Username")).ToHaveValueAsync("stranger");

        await using var stranger = await WebBrowser.OpenAsync(chromium, app.BaseAddress, Screen.Desktop);
        await stranger.SignInAsync("stranger");
        foreach (var path in new[] { "/organizations/koryo_tours", "/organizations/koryo_tours/review", "/organizations/koryo_tours/audit" })
        {
            var refused = await stranger.Page.GotoAsync(path);
            Assert.Equal(403, refused!.Status);
            await Assertions.Expect(stranger.Page.GetByText("You are not a member of this organisation")).ToBeVisibleAsync();
        }
        Assert.Equal(404, (await stranger.Page.GotoAsync("/organizations/stranger"))!.Status);
        // Chromium logs each refused page itself as a failed load; nothing else went wrong.
        Assert.All(stranger.Errors, error => Assert.Contains("the server responded with a status of 40", error, StringComparison.Ordinal));
    }
}
