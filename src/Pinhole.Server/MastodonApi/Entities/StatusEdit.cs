namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>One version of an edited post, as Mastodon's status history lists them, oldest first.</summary>
public sealed record StatusEdit
{
    public required string Content { get; init; }
    public required string SpoilerText { get; init; }
    public required bool Sensitive { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required Account Account { get; init; }
    public object? Poll { get; init; }
    public required IReadOnlyList<MediaAttachment> MediaAttachments { get; init; }
    public IReadOnlyList<CustomEmoji> Emojis { get; init; } = [];
}

/// <summary>A post's text as it was written, for editing it.</summary>
public sealed record StatusSource(string Id, string Text, string SpoilerText);

/// <summary>Alt text as it was in one version of a post.</summary>
public sealed record MediaVersion(long Id, string? Description);
