namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>
/// Mastodon's ScheduledStatus, which Pinhole also uses for a post held until its media are processed (then
/// <c>scheduled_at</c> is when it was written, and <see cref="Pinhole"/> says what it waits for).
/// </summary>
public sealed record ScheduledStatus(
    string Id,
    DateTimeOffset ScheduledAt,
    ScheduledStatusParams Params,
    IReadOnlyList<MediaAttachment> MediaAttachments,
    HeldPost Pinhole);

public sealed record ScheduledStatusParams(
    string Text,
    IReadOnlyList<string> MediaIds,
    bool? Sensitive,
    string? SpoilerText,
    string? Visibility,
    string? InReplyToId,
    string? Language,
    string? Idempotency,
    string? ApplicationId,
    object? Poll,
    DateTimeOffset? ScheduledAt);

/// <summary>Pinhole's extension: <c>waiting_for_media</c>, or <c>failed</c> with the reason it cannot go out.</summary>
public sealed record HeldPost(string State, string? Failure);
