using System.Text.Json.Serialization;

namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>Mastodon's Account; <see cref="Source"/> and <see cref="Role"/> appear only for the account's own owner (CredentialAccount).</summary>
public sealed record Account
{
    public required string Id { get; init; }
    public required string Username { get; init; }
    public required string Acct { get; init; }
    public required string DisplayName { get; init; }
    public required bool Locked { get; init; }
    public required bool Bot { get; init; }
    public required bool Discoverable { get; init; }
    public bool Indexable { get; init; } = true;
    public bool Group { get; init; }
    public bool HideCollections { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string Note { get; init; }
    public required string Url { get; init; }
    public required string Uri { get; init; }
    public required string Avatar { get; init; }
    public required string AvatarStatic { get; init; }
    public required string Header { get; init; }
    public required string HeaderStatic { get; init; }
    public required long FollowersCount { get; init; }
    public required long FollowingCount { get; init; }
    public required long StatusesCount { get; init; }
    /// <summary>A date without time, as Mastodon sends it ("2019-11-17").</summary>
    public required string? LastStatusAt { get; init; }
    public IReadOnlyList<CustomEmoji> Emojis { get; init; } = [];
    public required IReadOnlyList<AccountField> Fields { get; init; }
    public IReadOnlyList<Role> Roles { get; init; } = [];

    /// <summary>Pinhole's extension: whether this account is an organisation its members post as.</summary>
    public required AccountExtension Pinhole { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AccountSource? Source { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Role? Role { get; init; }
}

public sealed record AccountExtension(bool Organization);

public sealed record AccountField(string Name, string Value, DateTimeOffset? VerifiedAt);

public sealed record AccountSource(
    string Privacy,
    bool Sensitive,
    string Language,
    string Note,
    IReadOnlyList<AccountField> Fields,
    long FollowRequestsCount,
    bool HideCollections,
    bool Discoverable,
    bool Indexable);

public sealed record Role(string Id, string Name, string Color, string Permissions, bool Highlighted);

public sealed record CustomEmoji(string Shortcode, string Url, string StaticUrl, bool VisibleInPicker);

public sealed record Relationship
{
    public required string Id { get; init; }
    public bool Following { get; init; }
    public bool ShowingReblogs { get; init; }
    public bool Notifying { get; init; }
    public IReadOnlyList<string>? Languages { get; init; }
    public bool FollowedBy { get; init; }
    public bool Blocking { get; init; }
    public bool BlockedBy { get; init; }
    public bool Muting { get; init; }
    public bool MutingNotifications { get; init; }
    public DateTimeOffset? MutingExpiresAt { get; init; }
    public bool Requested { get; init; }
    public bool RequestedBy { get; init; }
    public bool DomainBlocking { get; init; }
    public bool Endorsed { get; init; }
    public string Note { get; init; } = "";
}

/// <summary>Mastodon's Admin::Account: an account as moderators see it.</summary>
public sealed record AdminAccount(
    string Id,
    string Username,
    string? Domain,
    DateTimeOffset CreatedAt,
    string Email,
    string? Ip,
    IReadOnlyList<string> Ips,
    string Locale,
    string? InviteRequest,
    bool Confirmed,
    bool Approved,
    bool Disabled,
    bool Silenced,
    bool Suspended,
    Account Account);
