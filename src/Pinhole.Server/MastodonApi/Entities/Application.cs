using System.Text.Json.Serialization;

namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>Mastodon's Application; the client credentials are present only in the response that creates it.</summary>
public sealed record Application
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string? Website { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public required string RedirectUri { get; init; }
    public required IReadOnlyList<string> RedirectUris { get; init; }
    public string VapidKey { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientSecret { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ClientSecretExpiresAt { get; init; }
}

public sealed record Token(string AccessToken, string TokenType, string Scope, long CreatedAt);

/// <summary>RFC 8414 authorization server metadata, as Mastodon 4.3+ publishes it.</summary>
public sealed record AuthorizationServerMetadata(
    string Issuer,
    string ServiceDocumentation,
    string AuthorizationEndpoint,
    string TokenEndpoint,
    string AppRegistrationEndpoint,
    string RevocationEndpoint,
    IReadOnlyList<string> ScopesSupported,
    IReadOnlyList<string> ResponseTypesSupported,
    IReadOnlyList<string> ResponseModesSupported,
    IReadOnlyList<string> CodeChallengeMethodsSupported,
    IReadOnlyList<string> GrantTypesSupported,
    IReadOnlyList<string> TokenEndpointAuthMethodsSupported);

/// <summary>An empty JSON object, <c>{}</c>: what Mastodon answers when there is nothing to say.</summary>
public sealed record EmptyObject;
