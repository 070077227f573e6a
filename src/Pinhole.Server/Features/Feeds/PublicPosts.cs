using System.Data.Common;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Feeds;

/// <summary>
/// What may leave the server for anyone to read: every query here asks as nobody signed in (<c>@viewer</c> = 0)
/// through <see cref="VisibleTo"/>, so a followers-only or direct post can never be picked. Feeds take public posts
/// only; an embed (and oEmbed) also takes unlisted ones, as Mastodon does: their link was shared on purpose.
/// </summary>
public static class PublicPosts
{
    public const int FeedSize = 20;

    /// <summary>An account's newest public posts, without reblogs or replies to others (Mastodon's RSS).</summary>
    public static Task<IReadOnlyList<Status>> OfAccountAsync(DbConnection connection, StatusViews views, long accountId, CancellationToken cancellationToken) =>
        NewestAsync(connection, views,
            "SELECT s.id FROM statuses s WHERE s.account_id = @key AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id)",
            "s.id", accountId, cancellationToken);

    public static Task<IReadOnlyList<Status>> OfTagAsync(DbConnection connection, StatusViews views, long tagId, CancellationToken cancellationToken) =>
        NewestAsync(connection, views, "SELECT s.id FROM status_tags st JOIN statuses s ON s.id = st.status_id WHERE st.tag_id = @key", "st.status_id", tagId, cancellationToken);

    public static Task<IReadOnlyList<Status>> AtPlaceAsync(DbConnection connection, StatusViews views, long placeId, CancellationToken cancellationToken) =>
        NewestAsync(connection, views, "SELECT s.id FROM statuses s WHERE s.place_id = @key", "s.id", placeId, cancellationToken);

    /// <summary>The post to embed, if it is public or unlisted and is <paramref name="username"/>'s; otherwise null, whether it exists or not.</summary>
    public static async Task<Status?> EmbeddableAsync(DbConnection connection, StatusViews views, string username, long id, CancellationToken cancellationToken)
    {
        var found = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
            $"""
            SELECT s.id FROM statuses s JOIN accounts a ON a.id = s.account_id
            WHERE s.id = @id AND a.username_key = @username AND s.visibility <= 1 AND s.reblog_of_id IS NULL AND {VisibleTo.Viewer("s")}
            """, new { id, username = username.ToLowerInvariant(), viewer = 0L }, cancellationToken: cancellationToken));
        return found is null ? null : await views.RenderAsync(connection, 0, found.Value, cancellationToken);
    }

    private static async Task<IReadOnlyList<Status>> NewestAsync(DbConnection connection, StatusViews views, string select, string order, long key, CancellationToken cancellationToken)
    {
        var ids = await connection.QueryAsync<long>(connection.Command(
            $"{select} AND s.visibility = 0 AND s.reblog_of_id IS NULL AND {VisibleTo.Viewer("s")} ORDER BY {order} DESC LIMIT @limit",
            new { key, viewer = 0L, limit = FeedSize }, cancellationToken: cancellationToken));
        return await views.RenderAsync(connection, 0, ids.ToList(), cancellationToken);
    }
}
