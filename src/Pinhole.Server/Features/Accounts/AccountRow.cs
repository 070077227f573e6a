namespace Pinhole.Server.Features.Accounts;

/// <summary>An <c>accounts</c> row, as the SQL in this feature selects it (<see cref="Columns"/>).</summary>
public sealed class AccountRow
{
    public const string Columns =
        "a.id, a.username, a.display_name, a.note, a.fields, a.locked, a.bot, a.discoverable, a.avatar_key, a.header_key, " +
        "a.followers_count, a.following_count, a.statuses_count, a.last_status_at, a.created_at, a.organization";

    public long Id { get; init; }
    public string Username { get; init; } = "";
    public string DisplayName { get; init; } = "";
    public string Note { get; init; } = "";
    public string Fields { get; init; } = "[]";
    public bool Locked { get; init; }
    public bool Bot { get; init; }
    public bool Discoverable { get; init; }
    public string? AvatarKey { get; init; }
    public string? HeaderKey { get; init; }
    public long FollowersCount { get; init; }
    public long FollowingCount { get; init; }
    public long StatusesCount { get; init; }
    public long? LastStatusAt { get; init; }
    public long CreatedAt { get; init; }
    public bool Organization { get; init; }
}
