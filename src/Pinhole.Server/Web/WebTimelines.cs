using System.Data.Common;
using Pinhole.Data;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Features.Timelines;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Web;

/// <summary>
/// The feeds the pages show, built from the API's own pieces: home is the home timeline's own read, the others
/// are the public and tag timelines' conditions with a page's own cut (media only for the grids, a time window for
/// a tag), and all of them filter through <see cref="VisibleTo"/>, <see cref="FeedFilter"/> and the reader's own filters and render through
/// <see cref="StatusViews"/>, paged by <c>max_id</c> and <c>min_id</c> in the page's address as the API is.
/// </summary>
public static class WebTimelines
{
    /// <summary>How far back each window of a tag page reaches.</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan?> TagWindows = new Dictionary<string, TimeSpan?>
    {
        ["hour"] = TimeSpan.FromHours(1),
        ["day"] = TimeSpan.FromDays(1),
        ["week"] = TimeSpan.FromDays(7),
        ["all"] = null,
    };

    public static Task<IReadOnlyList<Status>> HomeAsync(HttpContext http, Db db, DbConnection connection, StatusViews views, WebContext web, CancellationToken cancellationToken) =>
        TimelineEndpoints.ReadHomeAsync(http, db, connection, views, web.ViewerId, web.Now, cancellationToken);

    /// <summary>Recent public photos and videos: the public timeline with media only.</summary>
    public static Task<IReadOnlyList<Status>> ExploreAsync(HttpContext http, DbConnection connection, StatusViews views, WebContext web, CancellationToken cancellationToken) =>
        Timeline.ReadAsync(http, connection, views, web.ViewerId,
            $"""
            SELECT s.id AS cursor, s.id AS status_id FROM statuses s
            WHERE s.visibility = 0 AND s.reblog_of_id IS NULL AND s.has_media = TRUE
              AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id)
              AND {VisibleTo.Viewer("s")} AND {FeedFilter.Shown("s")}
            """, "s.id", new { }, cancellationToken, FilterContexts.Public);

    /// <summary>Public posts with the tag since <paramref name="since"/> (null: all): one range scan of the (tag, post) key.</summary>
    public static Task<IReadOnlyList<Status>> TagAsync(HttpContext http, DbConnection connection, StatusViews views, WebContext web, long tagId, DateTimeOffset? since,
        CancellationToken cancellationToken) =>
        Timeline.ReadAsync(http, connection, views, web.ViewerId,
            $"""
            SELECT st.status_id AS cursor, st.status_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
            WHERE st.tag_id = @tagId AND st.status_id >= @lowest AND s.visibility = 0 AND {VisibleTo.Viewer("s")} AND {FeedFilter.Shown("s")}
            """, "st.status_id", new { tagId, lowest = since is { } start ? Snowflake.LowestIdAt(start) : 0 }, cancellationToken, FilterContexts.Public);

    /// <summary>Public posts at the place since <paramref name="since"/> (null: all), as its API timeline reads them: one range scan of the (place, post) index.</summary>
    public static Task<IReadOnlyList<Status>> PlaceAsync(HttpContext http, DbConnection connection, StatusViews views, WebContext web, long placeId, DateTimeOffset? since,
        CancellationToken cancellationToken) =>
        Timeline.ReadAsync(http, connection, views, web.ViewerId,
            $"""
            SELECT s.id AS cursor, s.id AS status_id FROM statuses s
            WHERE s.place_id = @placeId AND s.id >= @lowest AND s.visibility = 0 AND s.reblog_of_id IS NULL AND {VisibleTo.Viewer("s")} AND {FeedFilter.Shown("s")}
            """, "s.id", new { placeId, lowest = since is { } start ? Snowflake.LowestIdAt(start) : 0 }, cancellationToken, FilterContexts.Public);

    /// <summary>An account's own posts (not its reblogs, nor its comments on others' posts) that the viewer may see, for the profile grid.</summary>
    public static Task<IReadOnlyList<Status>> ProfileAsync(HttpContext http, DbConnection connection, StatusViews views, WebContext web, long accountId, CancellationToken cancellationToken) =>
        Timeline.ReadAsync(http, connection, views, web.ViewerId,
            $"""
            SELECT s.id AS cursor, s.id AS status_id FROM statuses s
            WHERE s.account_id = @accountId AND s.reblog_of_id IS NULL
              AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id) AND {VisibleTo.Viewer("s")}
            """, "s.id", new { accountId }, cancellationToken, FilterContexts.Account);
}
