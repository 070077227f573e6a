using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>
/// A person in a browser going through Mastodon's OAuth flow: open /oauth/authorize, sign in, press Authorize,
/// and the app trading the code (with its PKCE verifier) for a token. Cookies and anti-forgery tokens are real.
/// </summary>
public sealed partial class OAuthBrowser : IDisposable
{
    private readonly HttpClient _browser;
    private readonly IPinholeServer _app;

    public OAuthBrowser(IPinholeServer app)
    {
        _app = app;
        _browser = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [GeneratedRegex("<input[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();

    public static string NewVerifier() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string ChallengeOf(string verifier) =>
        Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async Task<HttpResponseMessage> OpenAuthorizeAsync(string clientId, string redirectUri, string scope, string? challenge, string state = "xyz") =>
        await _browser.GetAsync(
            $"/oauth/authorize?response_type=code&client_id={Uri.EscapeDataString(clientId)}&redirect_uri={Uri.EscapeDataString(redirectUri)}" +
            $"&scope={Uri.EscapeDataString(scope)}&state={state}" +
            (challenge is null ? "" : $"&code_challenge={challenge}&code_challenge_method=S256"), Cancel);

    /// <summary>Signs in on the page the authorize request sent us to; returns where the sign-in form redirects.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string signInPath, string login, string password)
    {
        var page = await _browser.GetStringAsync(signInPath, Cancel);
        var fields = Fields(page, "/auth/sign_in");
        fields["Login"] = login;
        fields["Password"] = password;
        return await _browser.PostAsync("/auth/sign_in", new FormUrlEncodedContent(fields), Cancel);
    }

    /// <summary>The whole flow for a user; returns the authorization code the app receives.</summary>
    public async Task<string> AuthorizeAsync(string clientId, string redirectUri, string scope, string login, string password, string? challenge, string decision = "approve")
    {
        using var authorize = await OpenAuthorizeAsync(clientId, redirectUri, scope, challenge);
        Assert.Equal(HttpStatusCode.Redirect, authorize.StatusCode);
        using var signedIn = await SignInAsync(authorize.Headers.Location!.OriginalString, login, password);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var consent = await _browser.GetStringAsync(signedIn.Headers.Location!.OriginalString, Cancel);
        var fields = Fields(consent, "/oauth/authorize");
        fields["Decision"] = decision;
        using var decided = await _browser.PostAsync("/oauth/authorize", new FormUrlEncodedContent(fields), Cancel);
        if (redirectUri == "urn:ietf:wg:oauth:2.0:oob")
        {
            var html = await decided.Content.ReadAsStringAsync(Cancel);
            return Regex.Match(html, "<output class=\"code\">([^<]+)</output>").Groups[1].Value;
        }
        Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        var location = decided.Headers.Location!;
        Assert.StartsWith(redirectUri, location.OriginalString, StringComparison.Ordinal);
        var query = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("xyz", query["state"]);
        return query["code"] ?? throw new InvalidOperationException("No code: " + location);
    }

    /// <summary>Registers an app, signs <paramref name="login"/> in through the browser flow with PKCE, returns a user token.</summary>
    public async Task<string> SignInAppAsync(string login, string password, string scope = Api.AllScopes)
    {
        const string redirect = "https://app.example/callback";
        var (clientId, clientSecret) = await _app.CreateAppAsync(scope, redirect);
        var verifier = NewVerifier();
        var code = await AuthorizeAsync(clientId, redirect, scope, login, password, ChallengeOf(verifier));
        using var client = _app.CreateClient();
        var token = await client.PostFormAsync("/oauth/token",
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect),
            ("client_id", clientId), ("client_secret", clientSecret), ("code_verifier", verifier));
        return token["access_token"]!.GetValue<string>();
    }

    /// <summary>The hidden fields of the page's form that posts to <paramref name="action"/>.</summary>
    public static Dictionary<string, string> Fields(string html, string action)
    {
        var start = html.IndexOf($"action=\"{action}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No form posting to {action} in: {html}");
        var form = html[start..html.IndexOf("</form>", start, StringComparison.Ordinal)];
        return HiddenInput().Matches(form).ToDictionary(m => m.Groups["name"].Value, m => WebUtility.HtmlDecode(m.Groups["value"].Value));
    }

    public void Dispose() => _browser.Dispose();
}
