using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Pinhole.UploadBench;

/// <summary>The few calls around an upload: an account to upload as, a tus upload to send bytes to, and the media's state.</summary>
internal static class PinholeApi
{
    public const string TusVersion = "1.0.0";
    public const string MediaIdHeader = "Pinhole-Media-Id";

    /// <summary>Registers an account as a Mastodon app does (app, client-credentials token, sign-up) and returns its token.</summary>
    public static async Task<string> CreateAccountAsync(HttpClient http, Uri server, string username, CancellationToken cancellationToken)
    {
        using var app = await PostFormAsync(http, new Uri(server, "/api/v1/apps"), null, cancellationToken,
            ("client_name", "upload benchmark"), ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"), ("scopes", "read write"));
        using var appToken = await PostFormAsync(http, new Uri(server, "/oauth/token"), null, cancellationToken,
            ("grant_type", "client_credentials"), ("client_id", Text(app, "client_id")), ("client_secret", Text(app, "client_secret")),
            ("scope", "read write"));
        using var account = await PostFormAsync(http, new Uri(server, "/api/v1/accounts"), Text(appToken, "access_token"), cancellationToken,
            ("username", username), ("email", $"{username}@bench.invalid"), ("password", "upload-bench-password"),
            ("agreement", "true"), ("locale", "en"));
        return Text(account, "access_token");
    }

    /// <summary>tus creation without a body: only the upload's size and name; returns where to send its bytes.</summary>
    public static async Task<Uri> CreateUploadAsync(HttpClient http, Uri server, string token, long length, string filename, CancellationToken cancellationToken)
    {
        using var request = Tus(HttpMethod.Post, new Uri(server, "/api/v1/pinhole/uploads"), token);
        request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("Upload-Metadata", "filename " + Convert.ToBase64String(Encoding.UTF8.GetBytes(filename)));
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created || response.Headers.Location is not { } location)
            throw new InvalidOperationException($"tus creation answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        return location.IsAbsoluteUri ? location : new Uri(server, location);
    }

    public static HttpRequestMessage Tus(HttpMethod method, Uri uri, string token)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Tus-Resumable", TusVersion);
        return request;
    }

    /// <summary>Polls the media until it is ready or failed; returns its state and how long that took.</summary>
    public static async Task<(string State, double Seconds)> WaitForMediaAsync(HttpClient http, Uri server, string token, string mediaId,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server, $"/api/v1/media/{mediaId}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    return ("ready", seconds);
                case HttpStatusCode.UnprocessableEntity:
                    return ("failed: " + await response.Content.ReadAsStringAsync(cancellationToken), seconds);
                case HttpStatusCode.PartialContent when seconds < timeout.TotalSeconds:
                    await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
                    break;
                default:
                    return ($"still {(int)response.StatusCode} after {seconds:0} s", seconds);
            }
        }
    }

    /// <summary>The "id" of a Mastodon media attachment in a response body; null for an error's body.</summary>
    public static string? MediaIdOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;
    }

    private static async Task<JsonDocument> PostFormAsync(HttpClient http, Uri uri, string? token, CancellationToken cancellationToken,
        params (string Key, string Value)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new FormUrlEncodedContent(form.Select(pair => KeyValuePair.Create(pair.Key, pair.Value))),
        };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST {uri.AbsolutePath} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    private static string Text(JsonDocument document, string property) =>
        document.RootElement.GetProperty(property).GetString() ?? throw new InvalidDataException($"{property} is null");
}
