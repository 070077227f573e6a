using System.Net;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Accounts;

public sealed class RegistrationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Admin scopes too: an account registered through this app gets the app token's scopes.
    private static async Task<HttpClient> AppClientAsync(PinholeApp app) =>
        app.CreateClient().WithToken(await app.AppTokenAsync(Api.AllScopes + " admin:read admin:write"));

    private static (string, string)[] Registration(string username, string email = "new@example.com", string password = Api.Password, string agreement = "true") =>
        [("username", username), ("email", email), ("password", password), ("agreement", agreement)];

    [Fact]
    public async Task OpenRegistrationReturnsATokenThatWorksAtOnce()
    {
        await using var app = await PinholeApp.StartAsync();
        var client = await AppClientAsync(app);

        var token = await client.PostFormAsync("/api/v1/accounts", Registration("Minji"));

        Assert.Equal("Bearer", token["token_type"]!.GetValue<string>());
        var me = await app.CreateClient().WithToken(token["access_token"]!.GetValue<string>()).GetJsonAsync("/api/v1/accounts/verify_credentials");
        Assert.Equal("Minji", me["username"]!.GetValue<string>());
        Assert.Equal("Minji", me["acct"]!.GetValue<string>());
    }

    [Fact]
    public async Task RegistrationNeedsAnAppToken()
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();

        await client.PostAsync("/api/v1/accounts", Api.Form(Registration("minji")), Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task UsernamesAndEmailsAreUniqueWhateverTheirCase()
    {
        await using var app = await PinholeApp.StartAsync();
        var client = await AppClientAsync(app);
        await client.PostFormAsync("/api/v1/accounts", Registration("minji", "minji@example.com"));

        var username = await client.PostAsync("/api/v1/accounts", Api.Form(Registration("MINJI", "other@example.com")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        var email = await client.PostAsync("/api/v1/accounts", Api.Form(Registration("other", "MinJi@Example.com")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains("Username has already been taken", username, StringComparison.Ordinal);
        Assert.Contains("Email has already been taken", email, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "a@example.com", Api.Password, "true", "Username can't be blank")]
    [InlineData("has space", "a@example.com", Api.Password, "true", "Username must contain only")]
    [InlineData("thirty_one_characters_long_name", "a@example.com", Api.Password, "true", "Username must contain only")]
    [InlineData("minji", "not-an-email", Api.Password, "true", "Email is invalid")]
    [InlineData("minji", "a@example.com", "short", "true", "Password is too short")]
    [InlineData("minji", "a@example.com", Api.Password, "false", "Agreement must be accepted")]
    public async Task InvalidRegistrationsAreRefusedWithTheReason(string username, string email, string password, string agreement, string reason)
    {
        await using var app = await PinholeApp.StartAsync();
        var client = await AppClientAsync(app);

        var error = await client.PostAsync("/api/v1/accounts", Api.Form(Registration(username, email, password, agreement)), Cancel)
            .ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClosedRegistrationsRefuseNewAccounts()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?> { ["Pinhole:Registrations"] = "closed" });
        var client = await AppClientAsync(app);

        await client.PostAsync("/api/v1/accounts", Api.Form(Registration("minji")), Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        var instance = await client.GetJsonAsync("/api/v2/instance");
        Assert.False(instance["registrations"]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task WithApprovalAnAccountWaitsUntilAnAdminApprovesIt()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?>
        {
            ["Pinhole:Registrations"] = "approval",
            ["Pinhole:Admins:0"] = "chief",
        });
        var client = await AppClientAsync(app);
        var chiefToken = await client.PostFormAsync("/api/v1/accounts", [.. Registration("chief", "chief@example.com"), ("reason", "I run this server")]);
        var newcomerToken = await client.PostFormAsync("/api/v1/accounts", [.. Registration("newcomer"), ("reason", "I guide tours in Pyongyang")]);
        var chief = app.CreateClient().WithToken(chiefToken["access_token"]!.GetValue<string>());
        var newcomer = app.CreateClient().WithToken(newcomerToken["access_token"]!.GetValue<string>());
        await client.PostAsync("/api/v1/accounts", Api.Form(Registration("noreason", "nr@example.com")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        // The chief's own account waits too: the admin list names who may approve, not who skips the queue.
        var waiting = await newcomer.GetAsync("/api/v1/accounts/verify_credentials", Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        Assert.Contains("pending approval", waiting, StringComparison.Ordinal);
        await chief.GetAsync("/api/v1/admin/accounts?status=pending", Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
        await using var db = await ApproveDirectlyAsync(app, "chief");

        var pending = await chief.GetArrayAsync("/api/v1/admin/accounts?status=pending");
        var entry = Assert.Single(pending);
        Assert.Equal("newcomer", entry!["username"]!.GetValue<string>());
        Assert.Equal("I guide tours in Pyongyang", entry["invite_request"]!.GetValue<string>());
        await chief.PostFormAsync($"/api/v1/admin/accounts/{entry.Id()}/approve");

        Assert.Equal("newcomer", (await newcomer.GetJsonAsync("/api/v1/accounts/verify_credentials"))["username"]!.GetValue<string>());
        await newcomer.PostAsync($"/api/v1/admin/accounts/{entry.Id()}/approve", null, Cancel).ExpectErrorAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ARejectedRegistrationIsDeleted()
    {
        await using var app = await PinholeApp.StartAsync(new Dictionary<string, string?>
        {
            ["Pinhole:Registrations"] = "approval",
            ["Pinhole:Admins:0"] = "chief",
        });
        var client = await AppClientAsync(app);
        var chief = app.CreateClient().WithToken((await client.PostFormAsync("/api/v1/accounts", [.. Registration("chief", "chief@example.com"), ("reason", "admin")]))["access_token"]!.GetValue<string>());
        var spammer = app.CreateClient().WithToken((await client.PostFormAsync("/api/v1/accounts", [.. Registration("spammer"), ("reason", "buy now")]))["access_token"]!.GetValue<string>());
        await using var db = await ApproveDirectlyAsync(app, "chief");
        var spammerId = (await chief.GetJsonAsync("/api/v1/accounts/lookup?acct=spammer")).Id();

        await chief.PostFormAsync($"/api/v1/admin/accounts/{spammerId}/reject");

        await chief.GetAsync($"/api/v1/accounts/{spammerId}", Cancel).ExpectErrorAsync(HttpStatusCode.NotFound);
        await spammer.GetAsync("/api/v1/accounts/verify_credentials", Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task PasswordsAreStoredHashed()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("minji");
        var db = (Db)app.Services.GetService(typeof(Db))!;
        await using var connection = await db.OpenAsync(Cancel);

        var hash = await connection.QuerySingleAsync<string>("SELECT password_hash FROM users");

        Assert.DoesNotContain(Api.Password, hash, StringComparison.Ordinal);
        Assert.True(hash.Length > 40);
    }

    /// <summary>The first admin of an approval-only server is approved by the operator, in the database.</summary>
    private static async Task<System.Data.Common.DbConnection> ApproveDirectlyAsync(PinholeApp app, string username)
    {
        var db = (Db)app.Services.GetService(typeof(Db))!;
        var connection = await db.OpenAsync(Cancel);
        await connection.ExecuteAsync("UPDATE users SET approved = TRUE WHERE account_id = (SELECT id FROM accounts WHERE username = @username)", new { username });
        return connection;
    }
}
