using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>A registered person with a signed-in HTTP client (a user token with read, write, follow and push).</summary>
public sealed record TestUser(string Username, string Id, string Token, HttpClient Client);

/// <summary>The calls tests make again and again, as a Mastodon client makes them.</summary>
public static class Api
{
    public const string AllScopes = "read write follow push";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<(string ClientId, string ClientSecret)> CreateAppAsync(this IPinholeServer app, string scopes = AllScopes, string redirectUri = "urn:ietf:wg:oauth:2.0:oob")
    {
        using var client = app.CreateClient();
        var created = await client.PostFormAsync("/api/v1/apps", ("client_name", "Test client"), ("redirect_uris", redirectUri), ("scopes", scopes));
        return (created["client_id"]!.GetValue<string>(), created["client_secret"]!.GetValue<string>());
    }

    /// <summary>An app-only token (client_credentials), as a client gets before anyone signs in.</summary>
    public static async Task<string> AppTokenAsync(this IPinholeServer app, string scopes = AllScopes)
    {
        var (clientId, clientSecret) = await app.CreateAppAsync(scopes);
        using var client = app.CreateClient();
        var token = await client.PostFormAsync("/oauth/token",
            ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", clientSecret), ("scope", scopes));
        return token["access_token"]!.GetValue<string>();
    }

    public const string Password = "correct horse battery";

    /// <summary>
    /// Registers <paramref name="username"/> through POST /api/v1/accounts, as Mastodon apps do; for narrower
    /// <paramref name="scopes"/>, signs in again with the password grant asking for just those.
    /// </summary>
    public static async Task<TestUser> RegisterAsync(this IPinholeServer app, string username, string scopes = AllScopes)
    {
        var (clientId, clientSecret) = await app.CreateAppAsync();
        using var anonymous = app.CreateClient();
        var appToken = (await anonymous.PostFormAsync("/oauth/token",
            ("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", clientSecret), ("scope", AllScopes)))["access_token"]!.GetValue<string>();
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", appToken);
        var token = (await anonymous.PostFormAsync("/api/v1/accounts",
            ("username", username), ("email", $"{username}@example.com"), ("password", Password), ("agreement", "true")))["access_token"]!.GetValue<string>();
        var me = await app.CreateClient().WithToken(token).GetJsonAsync("/api/v1/accounts/verify_credentials");
        if (scopes != AllScopes)
        {
            anonymous.DefaultRequestHeaders.Authorization = null;
            token = (await anonymous.PostFormAsync("/oauth/token", ("grant_type", "password"), ("username", username), ("password", Password),
                ("client_id", clientId), ("client_secret", clientSecret), ("scope", scopes)))["access_token"]!.GetValue<string>();
        }
        return new TestUser(username, me["id"]!.GetValue<string>(), token, app.CreateClient().WithToken(token));
    }

    public static HttpClient WithToken(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<JsonNode> GetJsonAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Cancel);
        return await ReadSuccessAsync(response);
    }

    public static async Task<JsonArray> GetArrayAsync(this HttpClient client, string path) =>
        (await client.GetJsonAsync(path)).AsArray();

    public static async Task<JsonNode> PostFormAsync(this HttpClient client, string path, params (string Key, string Value)[] fields)
    {
        using var response = await client.PostAsync(path, Form(fields), Cancel);
        return await ReadSuccessAsync(response);
    }

    public static async Task<JsonNode> PostJsonAsync(this HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body, Cancel);
        return await ReadSuccessAsync(response);
    }

    public static async Task<JsonNode> PostStatusAsync(this TestUser user, string text, string visibility = "public", string? inReplyTo = null, params string[] mediaIds)
    {
        var fields = new List<(string, string)> { ("status", text), ("visibility", visibility) };
        if (inReplyTo is not null)
            fields.Add(("in_reply_to_id", inReplyTo));
        fields.AddRange(mediaIds.Select(id => ("media_ids[]", id)));
        return await user.Client.PostFormAsync("/api/v1/statuses", [.. fields]);
    }

    public static async Task FollowAsync(this TestUser follower, TestUser target) =>
        await follower.Client.PostFormAsync($"/api/v1/accounts/{target.Id}/follow");

    public static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    /// <summary>The request must fail with <paramref name="status"/> and Mastodon's <c>{"error": "..."}</c> body; returns the message.</summary>
    public static async Task<string> ExpectErrorAsync(this Task<HttpResponseMessage> request, HttpStatusCode status)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.MediaType ?? "", StringComparison.Ordinal);
        var error = JsonNode.Parse(body)?["error"]?.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(error), $"No error message in {body}");
        return error!;
    }

    public static async Task<string> ReadErrorAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["error"]!.GetValue<string>();

    public static async Task<JsonNode> ReadSuccessAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    public static string Id(this JsonNode node) => node["id"]!.GetValue<string>();

    public static IReadOnlyList<string> Ids(this JsonArray array) => array.Select(n => n!.Id()).ToList();
}

public static class MediaApi
{
    public static async Task<HttpResponseMessage> SendUploadAsync(this HttpClient client, byte[] bytes, string fileName = "photo.jpg", string contentType = "image/jpeg", string? description = null, string? focus = null, string? filter = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        if (description is not null)
            form.Add(new StringContent(description), "description");
        if (focus is not null)
            form.Add(new StringContent(focus), "focus");
        if (filter is not null)
            form.Add(new StringContent(filter), "filter");
        return await client.PostAsync("/api/v2/media", form, TestContext.Current.CancellationToken);
    }

    public static async Task<System.Text.Json.Nodes.JsonNode> UploadAsync(this TestUser user, byte[] bytes, string fileName = "photo.jpg", string contentType = "image/jpeg", string? description = null)
    {
        using var response = await user.Client.SendUploadAsync(bytes, fileName, contentType, description);
        return await Api.ReadSuccessAsync(response);
    }

    /// <summary>Polls a media until it is no longer processing (206); returns the last answer.</summary>
    public static async Task<HttpResponseMessage> WaitForMediaAsync(this TestUser user, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var response = await user.Client.GetAsync($"/api/v1/media/{id}", TestContext.Current.CancellationToken);
            if (response.StatusCode != System.Net.HttpStatusCode.PartialContent || DateTime.UtcNow > deadline)
                return response;
            response.Dispose();
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Polls a ready media until it lists <paramref name="count"/> video files: a clip copied as it was is ready with its
    /// main file, and its low-bit-rate one follows.
    /// </summary>
    public static async Task<System.Text.Json.Nodes.JsonNode> WaitForVideoFilesAsync(this TestUser user, string id, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            var media = await user.Client.GetJsonAsync($"/api/v1/media/{id}");
            var files = media["pinhole"]!["renditions"]!.AsArray().Count(r => r!["content_type"]!.GetValue<string>() == "video/mp4");
            Assert.True(files <= count, $"{files} video files, more than {count}");
            if (files == count)
                return media;
            Assert.True(DateTime.UtcNow < deadline, $"still {files} video files of {count} after two minutes");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Uploads, waits for processing, and returns the ready media (failing the test if it failed).</summary>
    public static async Task<System.Text.Json.Nodes.JsonNode> UploadAndWaitAsync(this TestUser user, byte[] bytes, string fileName, string contentType, string? filter = null)
    {
        using var upload = await user.Client.SendUploadAsync(bytes, fileName, contentType, filter: filter);
        var media = await Api.ReadSuccessAsync(upload);
        using var ready = await user.WaitForMediaAsync(media.Id());
        return await Api.ReadSuccessAsync(ready);
    }
}
