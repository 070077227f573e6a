namespace Pinhole.Bench.Dataset;

// The rows the generator writes, one type per table, holding exactly the columns it sets (the rest keep the
// schema's defaults). Times are Unix milliseconds, as in the schema.

public sealed class AccountRow
{
    public long Id { get; init; }
    public required string Username { get; init; }
    public required string DisplayName { get; init; }
    public required string Note { get; init; }
    public long CreatedAt { get; init; }
    public int FollowersCount { get; set; }
    public int FollowingCount { get; set; }
    public int StatusesCount { get; set; }
    public long? LastStatusAt { get; set; }
}

public sealed record FollowRow(long Id, long AccountId, long TargetAccountId, bool ShowReblogs, long CreatedAt);

public sealed class StatusRow
{
    public long Id { get; init; }
    public long AccountId { get; init; }
    public long? InReplyToId { get; init; }
    public long? InReplyToAccountId { get; init; }
    public long? ReblogOfId { get; init; }
    public string Text { get; init; } = "";
    public string SpoilerText { get; init; } = "";
    public int Visibility { get; init; }
    public bool Sensitive { get; init; }
    public string? Language { get; init; }
    public long? ApplicationId { get; init; }
    public int RepliesCount { get; set; }
    public int ReblogsCount { get; set; }
    public int FavouritesCount { get; set; }
    public long CreatedAt { get; init; }
}

public sealed record TagRow(long Id, string Name, long CreatedAt);

public sealed record StatusTagRow(long TagId, long StatusId);

public sealed record MentionRow(long StatusId, long AccountId);

public sealed record AppRow(long Id, string Name, string ClientId, string ClientSecretHash, long CreatedAt);

public sealed record TokenRow(long Id, string TokenHash, long AppId, long AccountId, long CreatedAt);

// The social additions (generate --social): see SocialBuilder.

public sealed record FavouriteRow(long Id, long AccountId, long StatusId, long CreatedAt);

public sealed record BlockRow(long Id, long AccountId, long TargetAccountId, long CreatedAt);

public sealed record MuteRow(long Id, long AccountId, long TargetAccountId, bool HideNotifications, long? ExpiresAt, long CreatedAt);

public sealed record TagFollowRow(long Id, long AccountId, long TagId, long CreatedAt);

public sealed record NotificationRow(long Id, long AccountId, long FromAccountId, string Type, long? StatusId, long CreatedAt);

/// <summary>Everything one <c>generate</c> run inserts, in foreign-key order.</summary>
public sealed record DatasetRows
{
    public required IReadOnlyList<AccountRow> Accounts { get; init; }
    public required string PasswordHash { get; init; }
    public required AppRow App { get; init; }
    public required IReadOnlyList<TokenRow> Tokens { get; init; }
    public required IReadOnlyList<FollowRow> Follows { get; init; }
    public required IReadOnlyList<StatusRow> Statuses { get; init; }
    public required IReadOnlyList<TagRow> Tags { get; init; }
    public required IReadOnlyList<StatusTagRow> StatusTags { get; init; }
    public required IReadOnlyList<MentionRow> Mentions { get; init; }
    public IReadOnlyList<FavouriteRow> Favourites { get; init; } = [];
    public IReadOnlyList<BlockRow> Blocks { get; init; } = [];
    public IReadOnlyList<MuteRow> Mutes { get; init; } = [];
    public IReadOnlyList<TagFollowRow> TagFollows { get; init; } = [];
    public IReadOnlyList<NotificationRow> Notifications { get; init; } = [];
}
