using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Pinhole.WebBench;

/// <summary>
/// The page-weight dataset, made through the API as a Mastodon app would: one account (signed up through an app's
/// client-credentials token) and its photo posts, each photo uploaded, processed, then posted.
/// </summary>
internal sealed class Dataset(HttpClient http, Uri server)
{
    public const string Password = "web-bench-password";

    /// <summary>Registers <paramref name="username"/> and posts every photo in <paramref name="photos"/> as it, oldest first.</summary>
    public async Task CreateAsync(string username, IReadOnlyList<string> photos, CancellationToken cancellationToken)
    {
        using var app = await PostFormAsync("/api/v1/apps", null, cancellationToken,
            ("client_name", "page-weight benchmark"), ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"), ("scopes", "read write"));
        using var appToken = await PostFormAsync("/oauth/token", null, cancellationToken,
            ("grant_type", "client_credentials"), ("client_id", Text(app, "client_id")), ("client_secret", Text(app, "client_secret")), ("scope", "read write"));
        using var account = await PostFormAsync("/api/v1/accounts", Text(appToken, "access_token"), cancellationToken,
            ("username", username), ("email", $"{username}@bench.invalid"), ("password", Password), ("agreement", "true"), ("locale", "en"));
        var token = Text(account, "access_token");
        for (var i = 0; i < photos.Count; i++)
        {
            var media = await UploadAsync(token, photos[i], cancellationToken);
            using var status = await PostFormAsync("/api/v1/statuses", token, cancellationToken,
                ("status", $"Photo {i + 1} of {photos.Count}, on the way to Wonsan #pinholebench"), ("media_ids[]", media), ("visibility", "public"));
        }
    }

    private async Task<string> UploadAsync(string token, string photo, CancellationToken cancellationToken)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(await File.ReadAllBytesAsync(photo, cancellationToken));
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        content.Add(file, "file", Path.GetFileName(photo));
        content.Add(new StringContent($"A landscape, {Path.GetFileNameWithoutExtension(photo)}"), "description");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/api/v2/media")) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST /api/v2/media answered {(int)response.StatusCode}: {body}");
        using var media = JsonDocument.Parse(body);
        var id = Text(media, "id");
        // Posted once processed, so the feed shows every photo with its renditions.
        for (var waited = 0; ; waited++)
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri(server, $"/api/v1/media/{id}"));
            poll.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var state = await http.SendAsync(poll, cancellationToken);
            if (state.StatusCode == HttpStatusCode.OK)
                return id;
            if (state.StatusCode != HttpStatusCode.PartialContent || waited > 600)
                throw new InvalidOperationException($"media {id} answered {(int)state.StatusCode}: {await state.Content.ReadAsStringAsync(cancellationToken)}");
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    private async Task<JsonDocument> PostFormAsync(string path, string? token, CancellationToken cancellationToken, params (string Key, string Value)[] form)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, path))
        {
            Content = new FormUrlEncodedContent(form.Select(pair => KeyValuePair.Create(pair.Key, pair.Value))),
        };
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    private static string Text(JsonDocument document, string property) =>
        document.RootElement.GetProperty(property).GetString() ?? throw new InvalidDataException($"{property} is null");
}
