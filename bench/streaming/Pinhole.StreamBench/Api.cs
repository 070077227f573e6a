using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Pinhole.StreamBench;

/// <summary>The few Mastodon API calls the benchmark makes: an app, accounts, follows, and posts.</summary>
internal sealed class Api(Uri server) : IDisposable
{
    /// <summary>Every bench post carries this tag, so the hashtag streams see each of them.</summary>
    public const string Tag = "pyongyang";

    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 16, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = server,
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>An app and a client-credentials token for it: what registering accounts needs.</summary>
    public async Task<string> AppTokenAsync(CancellationToken cancellationToken)
    {
        using var app = await FormAsync("/api/v1/apps", null, cancellationToken,
            ("client_name", "stream-bench"), ("redirect_uris", "urn:ietf:wg:oauth:2.0:oob"), ("scopes", "read write follow"));
        using var token = await FormAsync("/oauth/token", null, cancellationToken,
            ("grant_type", "client_credentials"), ("client_id", Field(app, "client_id")), ("client_secret", Field(app, "client_secret")),
            ("scope", "read write follow"));
        return Field(token, "access_token");
    }

    /// <summary>Registers an account and returns its id and its user token.</summary>
    public async Task<Account> RegisterAsync(string appToken, string username, CancellationToken cancellationToken)
    {
        using var registered = await FormAsync("/api/v1/accounts", appToken, cancellationToken,
            ("username", username), ("email", $"{username}@stream-bench.example"), ("password", "stream-bench-password"),
            ("agreement", "true"), ("locale", "en"));
        var token = Field(registered, "access_token");
        using var self = await GetAsync("/api/v1/accounts/verify_credentials", token, cancellationToken);
        return new Account(username, Field(self, "id"), token);
    }

    public async Task FollowAsync(string token, string accountId, CancellationToken cancellationToken)
    {
        using var _ = await FormAsync($"/api/v1/accounts/{accountId}/follow", token, cancellationToken);
    }

    /// <summary>
    /// Posts a public status whose text carries <paramref name="sequence"/> as <c>sbq123x</c> (how a subscriber tells
    /// which post an event is, even when it arrives before this call returns) and the bench hashtag.
    /// </summary>
    public async Task PostAsync(string token, int sequence, CancellationToken cancellationToken)
    {
        using var _ = await FormAsync("/api/v1/statuses", token, cancellationToken,
            ("status", string.Create(CultureInfo.InvariantCulture, $"stream bench sbq{sequence}x #{Tag}")), ("visibility", "public"));
    }

    private async Task<JsonDocument> FormAsync(string path, string? token, CancellationToken cancellationToken, params (string Name, string Value)[] fields)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(fields.Select(f => KeyValuePair.Create(f.Name, f.Value))),
        };
        return await SendAsync(request, token, cancellationToken);
    }

    private async Task<JsonDocument> GetAsync(string path, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request, token, cancellationToken);
    }

    private async Task<JsonDocument> SendAsync(HttpRequestMessage request, string? token, CancellationToken cancellationToken)
    {
        if (token is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    private static string Field(JsonDocument document, string name) =>
        document.RootElement.GetProperty(name).GetString() ?? throw new InvalidDataException($"no {name} in the answer");

    public void Dispose() => _http.Dispose();
}

/// <summary>A registered account: its username, id and user token (read and write).</summary>
internal sealed record Account(string Username, string Id, string Token);
