using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>A page as a browser received it: status, type and the HTML.</summary>
public sealed record PageResponse(HttpStatusCode Status, string? ContentType, string Html, Uri? Location)
{
    /// <summary>Whether the page shows the post: a feed card, a grid tile and a comment all carry <c>data-id</c>.</summary>
    public bool Shows(string statusId) => Html.Contains($"data-id=\"{statusId}\"", StringComparison.Ordinal);
}

/// <summary>
/// A browser without JavaScript on the web pages: cookies kept, forms filled from the page they are on (with
/// their anti-forgery token), redirects not followed so a test sees where a form sends it.
/// </summary>
public sealed partial class PageSession : IDisposable
{
    private readonly HttpClient _browser;

    public PageSession(IPinholeServer app, CookieContainer? cookies = null)
    {
        Cookies = cookies ?? new CookieContainer();
        _browser = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = app.BaseAddress };
    }

    public CookieContainer Cookies { get; }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [GeneratedRegex("<meta name=\"pinhole-token\" content=\"(?<mask>[^.\"]+)\\.(?<masked>[^\"]+)\"")]
    private static partial Regex TokenMeta();

    public static async Task<PageSession> SignInAsync(IPinholeServer app, string username)
    {
        var session = new PageSession(app);
        using var signedIn = await session.SubmitAsync("/auth/sign_in", "/auth/sign_in", ("Login", username), ("Password", Api.Password));
        Assert.True(signedIn.StatusCode == HttpStatusCode.Redirect, $"Signing in as {username} gave {signedIn.StatusCode}");
        return session;
    }

    public async Task<PageResponse> GetAsync(string path)
    {
        using var response = await _browser.GetAsync(path, Cancel);
        return new PageResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(Cancel), response.Headers.Location);
    }

    /// <summary>
    /// Opens <paramref name="pagePath"/>, fills the form that posts to <paramref name="action"/> and sends it: what the
    /// page put in the form (hidden fields, checked boxes), with <paramref name="fields"/> in place of any of the same name.
    /// </summary>
    public async Task<HttpResponseMessage> SubmitAsync(string pagePath, string action, params (string Name, string Value)[] fields)
    {
        var page = await GetAsync(pagePath);
        var sent = Fields(page.Html, action).Where(f => fields.All(given => given.Name != f.Name)).Concat(fields);
        return await _browser.PostAsync(action, Api.Form([.. sent]), Cancel);
    }

    [GeneratedRegex("<input (?<attributes>[^>]*)>")]
    private static partial Regex Input();

    [GeneratedRegex("(?<name>[a-z-]+)=\"(?<value>[^\"]*)\"")]
    private static partial Regex Attribute();

    /// <summary>What a browser would send from the form as it is: hidden and text fields, and only the boxes that are ticked.</summary>
    public static List<(string Name, string Value)> Fields(string html, string action)
    {
        var start = html.IndexOf($"action=\"{action}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No form posting to {action}");
        var form = html[start..html.IndexOf("</form>", start, StringComparison.Ordinal)];
        var fields = new List<(string, string)>();
        foreach (Match input in Input().Matches(form))
        {
            var attributes = Attribute().Matches(input.Groups["attributes"].Value)
                .GroupBy(a => a.Groups["name"].Value).ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.First().Groups["value"].Value));
            var type = attributes.GetValueOrDefault("type", "text");
            if (!attributes.TryGetValue("name", out var name) || type == "file" || (type is "checkbox" or "radio" && !input.Value.Contains(" checked", StringComparison.Ordinal)))
                continue;
            fields.Add((name, attributes.GetValueOrDefault("value", type is "checkbox" or "radio" ? "on" : "")));
        }
        return fields;
    }

    /// <summary>Posts a form as a page would, without going through the page (for forms with no page of their own).</summary>
    public Task<HttpResponseMessage> PostAsync(string action, params (string Name, string Value)[] fields) =>
        _browser.PostAsync(action, Api.Form(fields), Cancel);

    /// <summary>The access token a signed-in page hands its scripts, unmasked as the script does.</summary>
    public static string? TokenIn(string html)
    {
        var match = TokenMeta().Match(html);
        if (!match.Success)
            return null;
        var mask = Convert.FromBase64String(Base64(match.Groups["mask"].Value));
        var masked = Convert.FromBase64String(Base64(match.Groups["masked"].Value));
        return Encoding.ASCII.GetString(masked.Select((b, i) => (byte)(b ^ mask[i])).ToArray());
    }

    private static string Base64(string base64Url)
    {
        var text = base64Url.Replace('-', '+').Replace('_', '/');
        return text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
    }

    public void Dispose() => _browser.Dispose();
}
