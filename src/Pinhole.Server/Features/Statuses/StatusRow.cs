namespace Pinhole.Server.Features.Statuses;

/// <summary>A <c>statuses</c> row, as selected with <see cref="Columns"/>.</summary>
public sealed class StatusRow
{
    public const string Columns =
        "s.id, s.account_id, s.in_reply_to_id, s.in_reply_to_account_id, s.reblog_of_id, s.text, s.spoiler_text, s.visibility, " +
        "s.sensitive, s.language, s.application_id, s.replies_count, s.reblogs_count, s.favourites_count, s.created_at, s.edited_at, " +
        "s.contributor_id, s.contributor_credited, s.place_id";

    public long Id { get; init; }
    public long AccountId { get; init; }
    public long? InReplyToId { get; init; }
    public long? InReplyToAccountId { get; init; }
    public long? ReblogOfId { get; init; }
    public string Text { get; init; } = "";
    public string SpoilerText { get; init; } = "";
    public Visibility Visibility { get; init; }
    public bool Sensitive { get; init; }
    public string? Language { get; init; }
    public long? ApplicationId { get; init; }
    public long RepliesCount { get; init; }
    public long ReblogsCount { get; init; }
    public long FavouritesCount { get; init; }
    public long CreatedAt { get; init; }
    public long? EditedAt { get; init; }

    /// <summary>For a post made as an organisation: the member who made it (always recorded, for the audit log).</summary>
    public long? ContributorId { get; init; }

    /// <summary>Whether the member chose to be credited when they made it.</summary>
    public bool ContributorCredited { get; init; }

    public long? PlaceId { get; init; }
}
