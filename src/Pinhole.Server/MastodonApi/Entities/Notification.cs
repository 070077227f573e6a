using System.Text.Json.Serialization;

namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>Mastodon's Notification: who did what, and the post it concerns (none for follows).</summary>
public sealed record Notification
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string GroupKey { get; init; }
    public required Account Account { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Status? Status { get; init; }

    /// <summary>Pinhole's extension, on its own notification types: the submission a <c>pinhole.submission_rejected</c> is about.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public NotificationExtension? Pinhole { get; init; }
}

public sealed record NotificationExtension(string SubmissionId);

public sealed record UnreadCount(long Count);

/// <summary>Where a person stopped reading a timeline, kept on the server so every device picks up from there.</summary>
public sealed record Marker(string LastReadId, long Version, DateTimeOffset UpdatedAt);
