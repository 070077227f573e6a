using System.Text.Json.Serialization;

namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>Mastodon's Status. The viewer's own flags (favourited, reblogged, …) are left out for anonymous readers, as Mastodon does.</summary>
public sealed record Status
{
    public required string Id { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string? InReplyToId { get; init; }
    public required string? InReplyToAccountId { get; init; }
    public required bool Sensitive { get; init; }
    public required string SpoilerText { get; init; }
    public required string Visibility { get; init; }
    public required string? Language { get; init; }
    public required string Uri { get; init; }
    public required string? Url { get; init; }
    public required long RepliesCount { get; init; }
    public required long ReblogsCount { get; init; }
    public required long FavouritesCount { get; init; }
    public long QuotesCount { get; init; }
    public required DateTimeOffset? EditedAt { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Favourited { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Reblogged { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Muted { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Bookmarked { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Pinned { get; init; }

    /// <summary>The viewer's filters that match this post where it is shown (home, public, a thread, …); left out when none do.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FilterResult>? Filtered { get; init; }

    public required string Content { get; init; }
    public required Status? Reblog { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StatusApplication? Application { get; init; }

    public required Account Account { get; init; }
    public required IReadOnlyList<MediaAttachment> MediaAttachments { get; init; }
    public required IReadOnlyList<StatusMention> Mentions { get; init; }
    public required IReadOnlyList<StatusTag> Tags { get; init; }
    public IReadOnlyList<CustomEmoji> Emojis { get; init; } = [];
    public object? Card { get; init; }
    public object? Poll { get; init; }

    /// <summary>Pinhole's extension: who made a post for an organisation (when they chose credit), and where it was taken.</summary>
    public required StatusExtension Pinhole { get; init; }

    /// <summary>The source text: sent only when a status is deleted, so a client can offer "delete and redraft".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }
}

public sealed record StatusExtension(Account? Contributor, Place? Place);

public sealed record StatusApplication(string Name, string? Website);

public sealed record StatusMention(string Id, string Username, string Url, string Acct);

public sealed record StatusTag(string Name, string Url);

public sealed record StatusContext(IReadOnlyList<Status> Ancestors, IReadOnlyList<Status> Descendants);
