using System.Text.Json.Serialization;

namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>Pinhole's Organization: an account its members post as. <see cref="Membership"/> is the viewer's own, if any.</summary>
public sealed record Organization(string Id, Account Account, bool RequiresReview, OrganizationMembership? Membership);

/// <summary>A member's place in an organisation: <c>owner</c>, <c>editor</c> or <c>contributor</c>; <c>invited</c> or <c>active</c>.</summary>
public sealed record OrganizationMembership(string Role, string State, bool Credited, DateTimeOffset InvitedAt, DateTimeOffset? JoinedAt);

public sealed record OrganizationMember(string Id, Account Account, string Role, string State, bool Credited, DateTimeOffset InvitedAt, DateTimeOffset? JoinedAt);

/// <summary>One act done for an organisation, as its owners see it: who did it, to whom or to which post.</summary>
public sealed record OrganizationAuditEntry(
    string Id,
    string Action,
    DateTimeOffset CreatedAt,
    Account Account,
    Account? TargetAccount,
    string? StatusId,
    string? SubmissionId,
    string? Detail);

/// <summary>A contributor's post waiting for review (or rejected, with the reason): what will be posted on approval.</summary>
public sealed record OrganizationSubmission
{
    public required string Id { get; init; }
    public required string State { get; init; }
    public required string? Reason { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required string OrganizationId { get; init; }
    public required Account Account { get; init; }
    public required string Text { get; init; }
    public required string SpoilerText { get; init; }
    public required string? Visibility { get; init; }
    public required bool? Sensitive { get; init; }
    public required string? Language { get; init; }
    public required string? InReplyToId { get; init; }
    public required IReadOnlyList<MediaAttachment> MediaAttachments { get; init; }

    /// <summary>The place it will carry: an existing one (by id), or one named in the submission (made on approval).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SubmittedPlace? Place { get; init; }
}

public sealed record SubmittedPlace(string? Id, string Name, double? Latitude, double? Longitude);
