using System.Net;
using System.Net.Http.Headers;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.OAuth;

public sealed class OAuthTests
{
    private const string Redirect = "https://app.example/callback";
    private const string Password = "correct horse battery";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAuthorizationCodeFlowWithPkceSignsSomeoneIntoAnApp()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("alice");
        using var browser = new OAuthBrowser(app);

        var token = await browser.SignInAppAsync("alice", Password, "read write");

        var me = await app.CreateClient().WithToken(token).GetJsonAsync("/api/v1/accounts/verify_credentials");
        Assert.Equal("alice", me["username"]!.GetValue<string>());
    }

    [Fact]
    public async Task ACodeRedeemedWithTheWrongVerifierIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("alice");
        var (clientId, secret) = await app.CreateAppAsync(redirectUri: Redirect);
        using var browser = new OAuthBrowser(app);
        var code = await browser.AuthorizeAsync(clientId, Redirect, "read", "alice", Password, OAuthBrowser.ChallengeOf(OAuthBrowser.NewVerifier()));

        using var client = app.CreateClient();
        var error = await client.PostAsync("/oauth/token", Api.Form(("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect),
            ("client_id", clientId), ("client_secret", secret), ("code_verifier", OAuthBrowser.NewVerifier())), Cancel).ExpectErrorAsync(HttpStatusCode.BadRequest);
        Assert.Equal("invalid_grant", error);
    }

    [Fact]
    public async Task AnAuthorizationCodeWorksOnlyOnce()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("alice");
        var (clientId, secret) = await app.CreateAppAsync(redirectUri: Redirect);
        using var browser = new OAuthBrowser(app);
        var code = await browser.AuthorizeAsync(clientId, Redirect, "read", "alice", Password, challenge: null);
        using var client = app.CreateClient();
        (string, string)[] redeem = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", Redirect), ("client_id", clientId), ("client_secret", secret)];

        await client.PostFormAsync("/oauth/token", redeem);

        Assert.Equal("invalid_grant", await client.PostAsync("/oauth/token", Api.Form(redeem), Cancel).ExpectErrorAsync(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task TheOutOfBandRedirectShowsTheCodeOnThePage()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("alice");
        var (clientId, secret) = await app.CreateAppAsync();
        using var browser = new OAuthBrowser(app);

        var code = await browser.AuthorizeAsync(clientId, "urn:ietf:wg:oauth:2.0:oob", "read", "alice", Password, challenge: null);

        using var client = app.CreateClient();
        var token = await client.PostFormAsync("/oauth/token", ("grant_type", "authorization_code"), ("code", code),
            ("redirect_uri", "urn:ietf:wg:oauth:2.0:oob"), ("client_id", clientId), ("client_secret", secret));
        Assert.Equal("read", token["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnUnregisteredRedirectUriGetsAnErrorPageAndNoRedirect()
    {
        await using var app = await PinholeApp.StartAsync();
        var (clientId, _) = await app.CreateAppAsync(redirectUri: Redirect);
        using var browser = new OAuthBrowser(app);

        using var response = await browser.OpenAuthorizeAsync(clientId, "https://evil.example/steal", "read", challenge: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains("redirect address does not match", await response.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DenyingTheAppSendsAccessDeniedBack()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("alice");
        var (clientId, _) = await app.CreateAppAsync(redirectUri: Redirect);
        using var browser = new OAuthBrowser(app);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            browser.AuthorizeAsync(clientId, Redirect, "read", "alice", Password, challenge: null, decision: "deny"));

        Assert.Contains("error=access_denied", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheAuthorizePageSendsSomeoneWhoIsNotSignedInToSignIn()
    {
        await using var app = await PinholeApp.StartAsync();
        var (clientId, _) = await app.CreateAppAsync(redirectUri: Redirect);
        using var browser = new OAuthBrowser(app);

        using var response = await browser.OpenAuthorizeAsync(clientId, Redirect, "read", challenge: null);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/auth/sign_in?return_url=", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongPasswordOnTheSignInPageIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("alice");
        using var browser = new OAuthBrowser(app);

        using var response = await browser.SignInAsync("/auth/sign_in", "alice", "not the password");

        var page = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{response.StatusCode}: {page}");
        Assert.Contains("not right", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSignInFormWithoutItsAntiForgeryTokenIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("alice");
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/auth/sign_in", Api.Form(("Login", "alice"), ("Password", Password)), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task ClientCredentialsCannotAskForMoreThanTheAppRegistered()
    {
        await using var app = await PinholeApp.StartAsync();
        var (clientId, secret) = await app.CreateAppAsync("read");
        using var client = app.CreateClient();

        var error = await client.PostAsync("/oauth/token", Api.Form(("grant_type", "client_credentials"), ("client_id", clientId),
            ("client_secret", secret), ("scope", "read write")), Cancel).ExpectErrorAsync(HttpStatusCode.BadRequest);

        Assert.Equal("invalid_scope", error);
    }

    [Fact]
    public async Task AWrongClientSecretIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var (clientId, _) = await app.CreateAppAsync();
        using var client = app.CreateClient();

        var error = await client.PostAsync("/oauth/token", Api.Form(("grant_type", "client_credentials"), ("client_id", clientId),
            ("client_secret", "guess")), Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);

        Assert.Equal("invalid_client", error);
    }

    [Fact]
    public async Task ClientSecretsCanBeSentWithHttpBasic()
    {
        await using var app = await PinholeApp.StartAsync();
        var (clientId, secret) = await app.CreateAppAsync();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth/token") { Content = Api.Form(("grant_type", "client_credentials")) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));

        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal("read", (await Api.ReadSuccessAsync(response))["scope"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnAppTokenCannotDoWhatNeedsAPerson()
    {
        await using var app = await PinholeApp.StartAsync();
        var client = app.CreateClient().WithToken(await app.AppTokenAsync());

        var error = await client.PostAsync("/api/v1/statuses", Api.Form(("status", "hello")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);

        Assert.Equal("This method requires an authenticated user", error);
    }

    [Fact]
    public async Task ThePasswordGrantSignsInWithUsernameOrEmail()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("alice");
        var (clientId, secret) = await app.CreateAppAsync();
        using var client = app.CreateClient();

        var token = await client.PostFormAsync("/oauth/token", ("grant_type", "password"), ("username", "alice@example.com"),
            ("password", Password), ("client_id", clientId), ("client_secret", secret), ("scope", "read"));
        var wrong = await client.PostAsync("/oauth/token", Api.Form(("grant_type", "password"), ("username", "alice"),
            ("password", "wrong password"), ("client_id", clientId), ("client_secret", secret)), Cancel).ExpectErrorAsync(HttpStatusCode.BadRequest);

        Assert.Equal("alice", (await app.CreateClient().WithToken(token["access_token"]!.GetValue<string>()).GetJsonAsync("/api/v1/accounts/verify_credentials"))["username"]!.GetValue<string>());
        Assert.Equal("invalid_grant", wrong);
    }

    [Fact]
    public async Task AnUnknownGrantTypeIsRefused()
    {
        await using var app = await PinholeApp.StartAsync();
        var (clientId, secret) = await app.CreateAppAsync();
        using var client = app.CreateClient();

        var error = await client.PostAsync("/oauth/token", Api.Form(("grant_type", "refresh_token"), ("client_id", clientId), ("client_secret", secret)), Cancel)
            .ExpectErrorAsync(HttpStatusCode.BadRequest);

        Assert.Equal("unsupported_grant_type", error);
    }

    [Fact]
    public async Task ARevokedTokenStopsWorkingAtOnce()
    {
        await using var app = await PinholeApp.StartAsync();
        await app.RegisterAsync("alice");
        var (clientId, secret) = await app.CreateAppAsync();
        using var client = app.CreateClient();
        var token = (await client.PostFormAsync("/oauth/token", ("grant_type", "password"), ("username", "alice"), ("password", Password),
            ("client_id", clientId), ("client_secret", secret)))["access_token"]!.GetValue<string>();
        var user = app.CreateClient().WithToken(token);
        await user.GetJsonAsync("/api/v1/accounts/verify_credentials");

        await client.PostFormAsync("/oauth/revoke", ("token", token), ("client_id", clientId), ("client_secret", secret));

        await user.GetAsync("/api/v1/accounts/verify_credentials", Cancel).ExpectErrorAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task AnotherAppCannotRevokeATokenItDidNotIssue()
    {
        await using var app = await PinholeApp.StartAsync();
        var alice = await app.RegisterAsync("alice");
        var (otherId, otherSecret) = await app.CreateAppAsync();
        using var client = app.CreateClient();

        var error = await client.PostAsync("/oauth/revoke", Api.Form(("token", alice.Token), ("client_id", otherId), ("client_secret", otherSecret)), Cancel)
            .ExpectErrorAsync(HttpStatusCode.Forbidden);

        Assert.Equal("unauthorized_client", error);
        await alice.Client.GetJsonAsync("/api/v1/accounts/verify_credentials");
    }

    [Fact]
    public async Task TokensAreStoredOnlyAsHashes()
    {
        await using var app = await PinholeApp.StartAsync();
        var alice = await app.RegisterAsync("alice");
        var db = (Db)app.Services.GetService(typeof(Db))!;
        await using var connection = await db.OpenAsync(Cancel);

        var stored = (await connection.QueryAsync<string>("SELECT token_hash FROM access_tokens")).ToList();

        Assert.NotEmpty(stored);
        Assert.DoesNotContain(alice.Token, stored);
        Assert.All(stored, hash => Assert.Matches("^[0-9a-f]{64}$", hash));
    }

    [Theory]
    [InlineData("read", "/api/v1/statuses", "POST")]
    [InlineData("write", "/api/v1/timelines/home", "GET")]
    [InlineData("read:accounts", "/api/v1/timelines/home", "GET")]
    [InlineData("write:media", "/api/v1/statuses", "POST")]
    [InlineData("write", "/api/v1/streaming/user", "GET")]
    [InlineData("read:statuses", "/api/v1/streaming/user/notification", "GET")]
    [InlineData("read:accounts", "/api/v1/streaming/hashtag?tag=pyongyang", "GET")]
    public async Task ATokenWithoutTheNeededScopeIsForbidden(string scopes, string path, string method)
    {
        await using var app = await PinholeApp.StartAsync();
        var user = await app.RegisterAsync("alice", scopes);

        var error = await user.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = Api.Form(("status", "hi")) }, Cancel)
            .ExpectErrorAsync(HttpStatusCode.Forbidden);

        Assert.Equal("This action is outside the authorized scopes", error);
    }

    [Fact]
    public async Task AGranularScopeIsEnoughForItsEndpoint()
    {
        await using var app = await PinholeApp.StartAsync();
        var user = await app.RegisterAsync("alice", "read:statuses write:statuses");

        var posted = await user.PostStatusAsync("granular");

        Assert.Contains(posted.Id(), (await user.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());
    }

    [Fact]
    public async Task AppsRegisterWithValidatedNamesRedirectsAndScopes()
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();

        await client.PostAsync("/api/v1/apps", Api.Form(("redirect_uris", Redirect)), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await client.PostAsync("/api/v1/apps", Api.Form(("client_name", "x")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await client.PostAsync("/api/v1/apps", Api.Form(("client_name", "x"), ("redirect_uris", "javascript:alert(1)")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        await client.PostAsync("/api/v1/apps", Api.Form(("client_name", "x"), ("redirect_uris", Redirect), ("scopes", "read everything")), Cancel).ExpectErrorAsync(HttpStatusCode.UnprocessableEntity);
        var created = await client.PostJsonAsync("/api/v1/apps", new { client_name = "Tusky", redirect_uris = new[] { Redirect, "tusky://oauth" }, scopes = "read write push", website = "https://tusky.app" });

        Assert.Equal(["read", "write", "push"], created["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal([Redirect, "tusky://oauth"], created["redirect_uris"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.NotNull(created["client_secret"]);
    }

    [Fact]
    public async Task AnAppCanVerifyItsTokenWithoutSeeingItsSecret()
    {
        await using var app = await PinholeApp.StartAsync();
        var client = app.CreateClient().WithToken(await app.AppTokenAsync());

        var verified = await client.GetJsonAsync("/api/v1/apps/verify_credentials");

        Assert.Equal("Test client", verified["name"]!.GetValue<string>());
        Assert.Null(verified["client_secret"]);
        Assert.Null(verified["client_id"]);
    }

    [Fact]
    public async Task TheAuthorizationServerDescribesItself()
    {
        await using var app = await PinholeApp.StartAsync();
        using var client = app.CreateClient();

        var metadata = await client.GetJsonAsync("/.well-known/oauth-authorization-server");

        Assert.Equal(app.BaseAddress + "oauth/token", metadata["token_endpoint"]!.GetValue<string>());
        Assert.Contains("S256", metadata["code_challenge_methods_supported"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Contains("write:media", metadata["scopes_supported"]!.AsArray().Select(m => m!.GetValue<string>()));
    }
}
