using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Timelines;

public static class TimelineEndpoints
{
    public static RouteGroupBuilder MapTimelines(this RouteGroupBuilder api)
    {
        api.MapGet("/v1/timelines/home", Home).RequireScope(Scopes.ReadStatuses);
        api.MapGet("/v1/timelines/public", Public).AllowAnonymous(Scopes.ReadStatuses);
        api.MapGet("/v1/timelines/tag/{hashtag}", Tag).AllowAnonymous(Scopes.ReadStatuses);
        api.MapGet("/v1/accounts/{id:long}/statuses", AccountStatuses).AllowAnonymous(Scopes.ReadStatuses);
        api.MapGet("/v1/favourites", Favourites).RequireScope(Scopes.ReadFavourites);
        return api;
    }

    /// <summary>
    /// The viewer's own posts and those of the accounts they follow, read at request time (no per-follower copies,
    /// so following and unfollowing take effect at once and posting costs nothing per follower). Replies show only
    /// when the viewer follows whoever was replied to, as on Mastodon.
    /// </summary>
    private static async Task<Ok<IReadOnlyList<Status>>> Home(HttpContext http, Caller caller, Db db, StatusViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await ReadHomeAsync(http, db, connection, views, caller.Account, time.GetUtcNow(), cancellationToken));
    }

    /// <summary>A page of the viewer's home, paged by the request's query; the web app's home page reads it too.</summary>
    internal static async Task<IReadOnlyList<Status>> ReadHomeAsync(HttpContext http, Db db, DbConnection connection, StatusViews views, long viewer, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // SQLite has no LATERAL: each followed tag gets a subquery of its own (see HomeQuery), so their ids come first.
        var tags = db.Dialect.IsSqlite
            ? (await connection.QueryAsync<long>(connection.Command(
                $"SELECT tag_id FROM tag_follows WHERE account_id = @viewer ORDER BY tag_id LIMIT {SeparateTagsLimit + 1}",
                new { viewer }, cancellationToken: cancellationToken))).ToList()
            : [];
        var parameters = new DynamicParameters();
        for (var i = 0; i < tags.Count && tags.Count <= SeparateTagsLimit; i++)
            parameters.Add(FollowedTag(i), tags[i]);
        return await Timeline.ReadAsync(http, connection, views, viewer,
            page => HomeQuery(db.Dialect, page, tags.Count), parameters, cancellationToken, recentFirst: (HomeWindows, now),
            filterContext: FilterContexts.Home);
    }

    /// <summary>
    /// A page of home is nearly always within the last few hours of what the followed accounts posted, and else
    /// within two days: each is tried before the whole history, so a reader of busy accounts reads a few recent rows
    /// per account, not everything they wrote in two days.
    /// </summary>
    private static readonly TimeSpan[] HomeWindows = [TimeSpan.FromHours(6), TimeSpan.FromDays(2)];

    private static string FollowedTag(int index) => "followed_tag" + index.ToString(CultureInfo.InvariantCulture);

    // Whom home reads: the viewer and whom they follow, except the members of their exclusive lists and whom they
    // mute. A muted account is left out here rather than its posts filtered one by one: a reader who mutes a busy
    // account they follow would otherwise walk past everything it wrote to fill a page (home's p99 over every reader
    // of the benchmark's dataset went from 13-18 ms to under 2 ms). Blocks need no such care: a block ends the follow.
    private const string HomeAuthors =
        """
        SELECT target_account_id AS author FROM follows WHERE account_id = @viewer
            AND target_account_id NOT IN (SELECT la.account_id FROM lists l JOIN list_accounts la ON la.list_id = l.id
                                          WHERE l.account_id = @viewer AND l.exclusive = TRUE)
            AND target_account_id NOT IN (SELECT m.target_account_id FROM mutes m WHERE m.account_id = @viewer
                                          AND (m.expires_at IS NULL OR m.expires_at > @now))
        UNION ALL SELECT @viewer
        """;

    private static readonly string HomeFilters =
        $"""
        (s.visibility <= 2 OR s.account_id = @viewer
             OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = s.id AND vm.account_id = @viewer))
        AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id OR s.in_reply_to_account_id = @viewer
             OR EXISTS (SELECT 1 FROM follows ff WHERE ff.account_id = @viewer AND ff.target_account_id = s.in_reply_to_account_id))
        AND (s.reblog_of_id IS NULL OR s.account_id = @viewer
             OR EXISTS (SELECT 1 FROM follows rf WHERE rf.account_id = @viewer AND rf.target_account_id = s.account_id AND rf.show_reblogs = TRUE))
        AND {FeedFilter.Shown("s")}
        """;

    // Public posts carrying a hashtag the viewer follows, from anyone, unless the viewer hides their author.
    private static readonly string TaggedFilters =
        $"s.visibility = 0 AND {VisibleTo.Viewer("s")} AND {FeedFilter.Shown("s")}";

    /// <summary>
    /// The one query that differs by database. PostgreSQL's planner, given "these authors, newest first", reads
    /// every post of every followed account and sorts them (thousands of rows for a typical reader), so there it
    /// takes the newest page of each author (and of each followed tag) with LATERAL and then the newest page of
    /// those: the work grows with the page, not with how much the sources ever wrote. SQLite has no LATERAL and
    /// needs none for authors: it walks each author's (account_id, id) index in its own process in well under a
    /// millisecond. For followed tags it would read every use of every followed tag in the window and sort them (2,000
    /// rows a day for a busy tag), so each tag gets its own newest-first subquery that stops at a page.
    /// </summary>
    private static string HomeQuery(SqlDialect dialect, Page page, int followedTags) => dialect.IsSqlite
        ? $"""
          SELECT id AS cursor, id AS status_id FROM (
              SELECT id FROM (
                  SELECT s.id FROM statuses s
                  WHERE s.account_id IN ({HomeAuthors}) AND {HomeFilters} {page.Bounds("s.id")}
                  ORDER BY {page.OrderBy("s.id")} LIMIT @page_limit) authored{FollowedTagsQuery(page, followedTags)}
          ) home
          ORDER BY {page.OrderBy("id")} LIMIT @page_limit
          """
        : $"""
          SELECT id AS cursor, id AS status_id FROM (
              SELECT c.id FROM ({HomeAuthors}) a
              CROSS JOIN LATERAL (
                  SELECT s.id FROM statuses s
                  WHERE s.account_id = a.author AND {HomeFilters} {page.Bounds("s.id")}
                  ORDER BY {page.OrderBy("s.id")} LIMIT @page_limit) c
              UNION
              SELECT c.id FROM tag_follows tf
              CROSS JOIN LATERAL (
                  SELECT s.id FROM status_tags st JOIN statuses s ON s.id = st.status_id
                  WHERE st.tag_id = tf.tag_id AND {TaggedFilters} {page.Bounds("st.status_id")}
                  ORDER BY {page.OrderBy("st.status_id")} LIMIT @page_limit) c
              WHERE tf.account_id = @viewer
          ) home
          ORDER BY {page.OrderBy("id")} LIMIT @page_limit
          """;

    /// <summary>
    /// SQLite: a newest-first subquery per followed tag, each walking its (tag_id, status_id) key and stopping at a
    /// page. Past <see cref="SeparateTagsLimit"/> tags (SQLite allows 500 parts to a compound query) they are read
    /// together, as one join.
    /// </summary>
    private static string FollowedTagsQuery(Page page, int count) => count > SeparateTagsLimit
        ? $"""

              UNION
              SELECT id FROM (
                  SELECT s.id FROM tag_follows tf JOIN status_tags st ON st.tag_id = tf.tag_id JOIN statuses s ON s.id = st.status_id
                  WHERE tf.account_id = @viewer AND {TaggedFilters} {page.Bounds("st.status_id")}
                  ORDER BY {page.OrderBy("st.status_id")} LIMIT @page_limit) tagged
          """
        : string.Concat(Enumerable.Range(0, count).Select(i => $"""

              UNION
              SELECT id FROM (
                  SELECT s.id FROM status_tags st JOIN statuses s ON s.id = st.status_id
                  WHERE st.tag_id = @{FollowedTag(i)} AND {TaggedFilters} {page.Bounds("st.status_id")}
                  ORDER BY {page.OrderBy("st.status_id")} LIMIT @page_limit) tagged{i}
          """));

    private const int SeparateTagsLimit = 100;

    /// <summary>Public, original posts (no reblogs, no replies to others). Every account is local, so <c>local</c> changes nothing and <c>remote</c> is empty.</summary>
    private static async Task<Ok<IReadOnlyList<Status>>> Public(HttpContext http, Caller caller, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        var query = RequestParams.FromQuery(http.Request.Query);
        if (query.Bool("remote") == true)
            return TypedResults.Ok<IReadOnlyList<Status>>([]);
        var onlyMedia = query.Bool("only_media") == true ? "AND s.has_media = TRUE" : "";
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await Timeline.ReadAsync(http, connection, views, caller.AccountId ?? 0,
            $"""
            SELECT s.id AS cursor, s.id AS status_id FROM statuses s
            WHERE s.visibility = 0 AND s.reblog_of_id IS NULL {onlyMedia}
              AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id)
              AND {VisibleTo.Viewer("s")} AND {FeedFilter.Shown("s")}
            """, "s.id", new { }, cancellationToken, FilterContexts.Public));
    }

    /// <summary>
    /// Public posts with a hashtag, plus Mastodon's <c>any[]</c>, <c>all[]</c> and <c>none[]</c>. The common case
    /// (one tag) is a single range scan of the (tag, status id) key; with snowflake ids a time window is an id range.
    /// </summary>
    private static async Task<Ok<IReadOnlyList<Status>>> Tag(string hashtag, HttpContext http, Caller caller, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        var query = RequestParams.FromQuery(http.Request.Query);
        if (query.Bool("remote") == true)
            return TypedResults.Ok<IReadOnlyList<Status>>([]);
        var any = query.List("any").Prepend(hashtag).Select(StatusText.NormalizeTag).Distinct().ToArray();
        var all = query.List("all").Select(StatusText.NormalizeTag).Distinct().ToArray();
        var none = query.List("none").Select(StatusText.NormalizeTag).Distinct().ToArray();
        if (any.Concat(all).Concat(none).Any(t => t.Length > 100))
            throw ApiException.Unprocessable("Validation failed: a hashtag is at most 100 characters");

        await using var connection = await db.OpenAsync(cancellationToken);
        var tagIds = (await connection.QueryAsync<long>(connection.Command(
            "SELECT id FROM tags WHERE name IN @any", new { any }, cancellationToken: cancellationToken))).ToArray();
        if (tagIds.Length == 0)
            return TypedResults.Ok<IReadOnlyList<Status>>([]);

        var parameters = new DynamicParameters(new { tagIds, none });
        var conditions = new List<string> { "s.visibility = 0", VisibleTo.Viewer("s"), FeedFilter.Shown("s") };
        if (query.Bool("only_media") == true)
            conditions.Add("s.has_media = TRUE");
        for (var i = 0; i < all.Length; i++)
        {
            parameters.Add($"all{i}", all[i]);
            conditions.Add($"EXISTS (SELECT 1 FROM status_tags xa JOIN tags ta ON ta.id = xa.tag_id WHERE xa.status_id = st.status_id AND ta.name = @all{i})");
        }
        if (none.Length > 0)
            conditions.Add("NOT EXISTS (SELECT 1 FROM status_tags xn JOIN tags tn ON tn.id = xn.tag_id WHERE xn.status_id = st.status_id AND tn.name IN @none)");
        var tagMatch = tagIds.Length == 1 ? "st.tag_id = @tagId" : "st.tag_id IN @tagIds";
        parameters.Add("tagId", tagIds[0]);
        return TypedResults.Ok(await Timeline.ReadAsync(http, connection, views, caller.AccountId ?? 0,
            $"""
            SELECT {(tagIds.Length == 1 ? "" : "DISTINCT")} st.status_id AS cursor, st.status_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
            WHERE {tagMatch} AND {string.Join(" AND ", conditions)}
            """, "st.status_id", parameters, cancellationToken, FilterContexts.Public));
    }

    private static async Task<Ok<IReadOnlyList<Status>>> AccountStatuses(long id, HttpContext http, Caller caller, Db db, StatusViews views, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var query = RequestParams.FromQuery(http.Request.Query);
        var viewer = caller.AccountId ?? 0;
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.EnsureAccountExistsAsync(id, cancellationToken);
        // Pinned posts: at most a handful, in the order they were pinned, newest pin first.
        if (query.Bool("pinned") == true)
        {
            var pinned = await connection.QueryAsync<long>(connection.Command(
                $"""
                SELECT p.status_id FROM pins p JOIN statuses s ON s.id = p.status_id
                WHERE p.account_id = @id AND {VisibleTo.Viewer("s")} ORDER BY p.created_at DESC
                """, new { id, viewer }, cancellationToken: cancellationToken));
            var filters = (await ActiveFilters.LoadAsync(connection, viewer, cancellationToken)).In(FilterContexts.Account, time.GetUtcNow());
            return TypedResults.Ok<IReadOnlyList<Status>>((await views.RenderAsync(connection, viewer, pinned.ToList(), cancellationToken, filters))
                .Where(s => !FilterScope.Hides(s)).ToList());
        }

        var conditions = new List<string>();
        if (query.Bool("only_media") == true)
            conditions.Add("s.has_media = TRUE");
        if (query.Bool("exclude_replies") == true)
            conditions.Add("(s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id)");
        if (query.Bool("exclude_reblogs") == true)
            conditions.Add("s.reblog_of_id IS NULL");
        var tagged = query.Text("tagged");
        if (!string.IsNullOrEmpty(tagged))
            conditions.Add("EXISTS (SELECT 1 FROM status_tags xt JOIN tags tt ON tt.id = xt.tag_id WHERE xt.status_id = s.id AND tt.name = @tagged)");
        var extra = string.Concat(conditions.Select(c => " AND " + c));
        return TypedResults.Ok(await Timeline.ReadAsync(http, connection, views, viewer,
            $"""
            SELECT s.id AS cursor, s.id AS status_id FROM statuses s
            WHERE s.account_id = @id AND {VisibleTo.Viewer("s")}{extra}
            """, "s.id", new { id, tagged = tagged is null ? null : StatusText.NormalizeTag(tagged) }, cancellationToken, FilterContexts.Account));
    }

    /// <summary>The viewer's favourites, most recently favourited first, paged by the favourite (not the post).</summary>
    private static async Task<Ok<IReadOnlyList<Status>>> Favourites(HttpContext http, Caller caller, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await Timeline.ReadAsync(http, connection, views, caller.Account,
            $"""
            SELECT f.id AS cursor, f.status_id FROM favourites f JOIN statuses s ON s.id = f.status_id
            WHERE f.account_id = @viewer AND {VisibleTo.Viewer("s")}
            """, "f.id", new { }, cancellationToken));
    }
}
