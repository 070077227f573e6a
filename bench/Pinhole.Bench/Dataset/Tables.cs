namespace Pinhole.Bench.Dataset;

public enum ColumnType
{
    BigInt,
    Int4,
    Text,
    Bool,
}

public sealed record Column(string Name, ColumnType Type);

/// <summary>One table's rows as the loaders see them: column names and types, then values in that order.</summary>
public sealed record Table(string Name, IReadOnlyList<Column> Columns, int Count, IEnumerable<object?[]> Rows);

/// <summary>The dataset as tables, in an order that satisfies every foreign key (a reblog follows its original).</summary>
public static class Tables
{
    private static Column BigInt(string name) => new(name, ColumnType.BigInt);
    private static Column Integer(string name) => new(name, ColumnType.Int4);
    private static Column Text(string name) => new(name, ColumnType.Text);
    private static Column Bool(string name) => new(name, ColumnType.Bool);

    public static IEnumerable<Table> Of(DatasetRows rows)
    {
        yield return new Table("accounts",
            [BigInt("id"), Text("username"), Text("username_key"), Text("display_name"), Text("display_name_key"), Text("note"),
             Integer("followers_count"), Integer("following_count"), Integer("statuses_count"), BigInt("last_status_at"),
             BigInt("created_at"), BigInt("updated_at")],
            rows.Accounts.Count,
            rows.Accounts.Select(a => new object?[]
            {
                a.Id, a.Username, a.Username.ToLowerInvariant(), a.DisplayName, a.DisplayName.ToLowerInvariant(), a.Note,
                a.FollowersCount, a.FollowingCount, a.StatusesCount, a.LastStatusAt, a.CreatedAt, a.CreatedAt,
            }));

        yield return new Table("users",
            [BigInt("account_id"), Text("email"), Text("email_key"), Text("password_hash"), Bool("approved"), BigInt("created_at")],
            rows.Accounts.Count,
            rows.Accounts.Select(a =>
            {
                var email = $"{a.Username}@bench.example";
                return new object?[] { a.Id, email, email.ToLowerInvariant(), rows.PasswordHash, true, a.CreatedAt };
            }));

        yield return new Table("apps",
            [BigInt("id"), Text("name"), Text("website"), Text("redirect_uris"), Text("scopes"), Text("client_id"),
             Text("client_secret_hash"), BigInt("created_at")],
            1,
            [[rows.App.Id, rows.App.Name, null, "urn:ietf:wg:oauth:2.0:oob", DatasetShape.Scopes, rows.App.ClientId,
              rows.App.ClientSecretHash, rows.App.CreatedAt]]);

        yield return new Table("access_tokens",
            [BigInt("id"), Text("token_hash"), BigInt("app_id"), BigInt("account_id"), Text("scopes"), BigInt("created_at")],
            rows.Tokens.Count,
            rows.Tokens.Select(t => new object?[] { t.Id, t.TokenHash, t.AppId, t.AccountId, DatasetShape.Scopes, t.CreatedAt }));

        yield return new Table("follows",
            [BigInt("id"), BigInt("account_id"), BigInt("target_account_id"), Bool("show_reblogs"), Bool("notify"), BigInt("created_at")],
            rows.Follows.Count,
            rows.Follows.Select(f => new object?[] { f.Id, f.AccountId, f.TargetAccountId, f.ShowReblogs, false, f.CreatedAt }));

        yield return new Table("statuses",
            [BigInt("id"), BigInt("account_id"), BigInt("in_reply_to_id"), BigInt("in_reply_to_account_id"), BigInt("reblog_of_id"),
             Text("text"), Text("spoiler_text"), Integer("visibility"), Bool("sensitive"), Text("language"), Bool("has_media"),
             BigInt("application_id"), Integer("replies_count"), Integer("reblogs_count"), Integer("favourites_count"), BigInt("created_at")],
            rows.Statuses.Count,
            rows.Statuses.Select(s => new object?[]
            {
                s.Id, s.AccountId, s.InReplyToId, s.InReplyToAccountId, s.ReblogOfId, s.Text, s.SpoilerText, s.Visibility,
                s.Sensitive, s.Language, false, s.ApplicationId, s.RepliesCount, s.ReblogsCount, s.FavouritesCount, s.CreatedAt,
            }));

        yield return new Table("tags",
            [BigInt("id"), Text("name"), BigInt("created_at")],
            rows.Tags.Count,
            rows.Tags.Select(t => new object?[] { t.Id, t.Name, t.CreatedAt }));

        yield return new Table("status_tags",
            [BigInt("tag_id"), BigInt("status_id")],
            rows.StatusTags.Count,
            rows.StatusTags.Select(t => new object?[] { t.TagId, t.StatusId }));

        yield return new Table("mentions",
            [BigInt("status_id"), BigInt("account_id")],
            rows.Mentions.Count,
            rows.Mentions.Select(m => new object?[] { m.StatusId, m.AccountId }));

        // The social additions (empty in the core dataset; a table with no rows is skipped).
        yield return new Table("favourites",
            [BigInt("id"), BigInt("account_id"), BigInt("status_id"), BigInt("created_at")],
            rows.Favourites.Count,
            rows.Favourites.Select(f => new object?[] { f.Id, f.AccountId, f.StatusId, f.CreatedAt }));

        yield return new Table("blocks",
            [BigInt("id"), BigInt("account_id"), BigInt("target_account_id"), BigInt("created_at")],
            rows.Blocks.Count,
            rows.Blocks.Select(b => new object?[] { b.Id, b.AccountId, b.TargetAccountId, b.CreatedAt }));

        yield return new Table("mutes",
            [BigInt("id"), BigInt("account_id"), BigInt("target_account_id"), Bool("hide_notifications"), BigInt("expires_at"), BigInt("created_at")],
            rows.Mutes.Count,
            rows.Mutes.Select(m => new object?[] { m.Id, m.AccountId, m.TargetAccountId, m.HideNotifications, m.ExpiresAt, m.CreatedAt }));

        yield return new Table("tag_follows",
            [BigInt("id"), BigInt("account_id"), BigInt("tag_id"), BigInt("created_at")],
            rows.TagFollows.Count,
            rows.TagFollows.Select(t => new object?[] { t.Id, t.AccountId, t.TagId, t.CreatedAt }));

        yield return new Table("notifications",
            [BigInt("id"), BigInt("account_id"), BigInt("from_account_id"), Text("type"), BigInt("status_id"), BigInt("created_at")],
            rows.Notifications.Count,
            rows.Notifications.Select(n => new object?[] { n.Id, n.AccountId, n.FromAccountId, n.Type, n.StatusId, n.CreatedAt }));
    }
}
