namespace Pinhole.Bench.Explain;

/// <summary>
/// The server's queries exactly as it sends them for a first page (no max_id), copied from src/Pinhole.Server —
/// copied, not shared: the bench must not depend on the server; re-copy when they change. Last copied from
/// commit d5fcc34, checked against 73dcf7a (which changed only the prefix's upper bound, <see cref="PrefixEnd"/>); home
/// re-copied from 0c05bde (windows of six hours then two days; a subquery per followed tag on SQLite):
/// <list type="bullet">
/// <item>Features/Statuses/Visibility.cs: <c>VisibleTo.Viewer</c>, <c>FeedFilter.Silenced</c> and <c>FeedFilter.Shown</c>;</item>
/// <item>Features/Timelines/TimelineEndpoints.cs: <c>HomeQuery</c> (per database; first tried within each of
/// <see cref="HomeWindows"/>, which Timeline.ReadAsync and Page.Recent express as <c>id &gt; @page_window_id</c>) and <c>Tag</c> with one tag;</item>
/// <item>Features/Notifications/NotificationEndpoints.cs <c>List</c> with NotificationViews.Shown (default page: 40);</item>
/// <item>Features/Search/SearchEndpoints.cs: <c>FindStatusesAsync</c> (FTS5 MATCH on SQLite, tsvector @@ on
/// PostgreSQL) and <c>FindAccountsAsync</c> (not <c>following</c>);</item>
/// <item>Features/Tags/Trends.cs: the two queries of a refresh.</item>
/// </list>
/// Parameters: <c>@viewer</c>, <c>@now</c> (Unix ms), <c>@page_limit</c>, <c>@page_window_id</c>, home's <c>@followed_tagN</c>, and each query's own.
/// </summary>
public static class ServerSql
{
    public static string VisibleTo(string s) =>
        $"""
        (({s}.visibility <= 1
          OR {s}.account_id = @viewer
          OR ({s}.visibility = 2 AND EXISTS (SELECT 1 FROM follows vf WHERE vf.account_id = @viewer AND vf.target_account_id = {s}.account_id))
          OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = {s}.id AND vm.account_id = @viewer))
         AND NOT EXISTS (SELECT 1 FROM blocks vb WHERE vb.account_id = {s}.account_id AND vb.target_account_id = @viewer))
        """;

    public static string Silenced(string account) =>
        $"""
        (EXISTS (SELECT 1 FROM blocks fb WHERE fb.account_id = @viewer AND fb.target_account_id = {account})
         OR EXISTS (SELECT 1 FROM mutes fm WHERE fm.account_id = @viewer AND fm.target_account_id = {account}
                    AND (fm.expires_at IS NULL OR fm.expires_at > @now)))
        """;

    public static string Shown(string s) =>
        $"""
        (NOT {Silenced($"{s}.account_id")}
         AND ({s}.reblog_of_id IS NULL OR NOT EXISTS (
             SELECT 1 FROM statuses fo WHERE fo.id = {s}.reblog_of_id
             AND ({Silenced("fo.account_id")}
                  OR EXISTS (SELECT 1 FROM blocks fob WHERE fob.account_id = fo.account_id AND fob.target_account_id = @viewer)))))
        """;

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
        AND {Shown("s")}
        """;

    private static readonly string TaggedFilters = $"s.visibility = 0 AND {VisibleTo("s")} AND {Shown("s")}";

    /// <summary>
    /// The home page query. <paramref name="window"/>: bounded below by <c>@page_window_id</c> (the server tries six
    /// hours, then two days, then the whole history; see <see cref="HomeWindows"/>). <paramref name="followedTags"/>:
    /// on SQLite each followed tag gets its own subquery on <c>@followed_tag0</c>, <c>@followed_tag1</c>, … (one join
    /// past <see cref="SeparateTagsLimit"/>); PostgreSQL reads them with LATERAL.
    /// </summary>
    public static string Home(bool sqlite, bool window, int followedTags)
    {
        string Bounds(string column) => window ? $" AND {column} > @page_window_id" : "";
        string Tagged(string from, string where, string alias) =>
            $"""

                  UNION
                  SELECT id FROM (
                      SELECT s.id FROM {from}
                      WHERE {where} AND {TaggedFilters} {Bounds("st.status_id")}
                      ORDER BY st.status_id DESC LIMIT @page_limit) {alias}
              """;
        var tags = followedTags > SeparateTagsLimit
            ? Tagged("tag_follows tf JOIN status_tags st ON st.tag_id = tf.tag_id JOIN statuses s ON s.id = st.status_id", "tf.account_id = @viewer", "tagged")
            : string.Concat(Enumerable.Range(0, followedTags).Select(i =>
                Tagged("status_tags st JOIN statuses s ON s.id = st.status_id", $"st.tag_id = @{FollowedTag(i)}", $"tagged{i}")));
        return sqlite
            ? $"""
              SELECT id AS cursor, id AS status_id FROM (
                  SELECT id FROM (
                      SELECT s.id FROM statuses s
                      WHERE s.account_id IN ({HomeAuthors}) AND {HomeFilters} {Bounds("s.id")}
                      ORDER BY s.id DESC LIMIT @page_limit) authored{tags}
              ) home
              ORDER BY id DESC LIMIT @page_limit
              """
            : $"""
              SELECT id AS cursor, id AS status_id FROM (
                  SELECT c.id FROM ({HomeAuthors}) a
                  CROSS JOIN LATERAL (
                      SELECT s.id FROM statuses s
                      WHERE s.account_id = a.author AND {HomeFilters} {Bounds("s.id")}
                      ORDER BY s.id DESC LIMIT @page_limit) c
                  UNION
                  SELECT c.id FROM tag_follows tf
                  CROSS JOIN LATERAL (
                      SELECT s.id FROM status_tags st JOIN statuses s ON s.id = st.status_id
                      WHERE st.tag_id = tf.tag_id AND {TaggedFilters} {Bounds("st.status_id")}
                      ORDER BY st.status_id DESC LIMIT @page_limit) c
                  WHERE tf.account_id = @viewer
              ) home
              ORDER BY id DESC LIMIT @page_limit
              """;
    }

    /// <summary>TimelineEndpoints.HomeWindows: tried in turn before the whole history.</summary>
    public static readonly TimeSpan[] HomeWindows = [TimeSpan.FromHours(6), TimeSpan.FromDays(2)];

    /// <summary>TimelineEndpoints.SeparateTagsLimit.</summary>
    public const int SeparateTagsLimit = 100;

    public static string FollowedTag(int index) => "followed_tag" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static readonly string Tag =
        $"""
        SELECT  st.status_id AS cursor, st.status_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
        WHERE st.tag_id = @tagId AND s.visibility = 0 AND {VisibleTo("s")} AND {Shown("s")}
         ORDER BY st.status_id DESC LIMIT @page_limit
        """;

    public static readonly string Notifications =
        $"""
        SELECT n.id, n.type, n.from_account_id, n.status_id, n.created_at FROM notifications n
        WHERE 1 = 1
         AND n.account_id = @viewer
         AND NOT EXISTS (SELECT 1 FROM blocks nb WHERE nb.account_id = @viewer AND nb.target_account_id = n.from_account_id)
         AND NOT EXISTS (SELECT 1 FROM mutes nm WHERE nm.account_id = @viewer AND nm.target_account_id = n.from_account_id
                         AND nm.hide_notifications = TRUE AND (nm.expires_at IS NULL OR nm.expires_at > @now))
         AND (n.status_id IS NULL OR EXISTS (SELECT 1 FROM statuses s WHERE s.id = n.status_id AND {VisibleTo("s")}))
        ORDER BY n.id DESC LIMIT @page_limit
        """;

    /// <summary>Posts with every word; <c>@match</c> as <see cref="SearchMatch"/> makes it.</summary>
    public static string SearchStatuses(bool sqlite)
    {
        var (source, match, order) = sqlite
            ? ("statuses_fts JOIN statuses s ON s.id = statuses_fts.rowid", "statuses_fts MATCH @match", "statuses_fts.rowid")
            : ("statuses s", "s.search @@ to_tsquery('simple', @match)", "s.id");
        return $"""
            SELECT s.id FROM {source}
            WHERE {match} AND s.reblog_of_id IS NULL AND {VisibleTo("s")} AND {Shown("s")}
            ORDER BY {order} DESC LIMIT @limit OFFSET @offset
            """;
    }

    /// <summary>One word, as SearchTerms.ToFts5 / ToTsQuery write a one-word query (the last word, from two letters, is a prefix).</summary>
    public static string SearchMatch(bool sqlite, string word)
    {
        var prefix = word.Length >= 2;
        return sqlite ? $"\"{word}\"" + (prefix ? "*" : "") : $"'{word}'" + (prefix ? ":*" : "");
    }

    public static readonly string SearchAccounts =
        $"""
        SELECT a.id FROM accounts a
        WHERE (a.username_key >= @prefix AND a.username_key < @end OR a.display_name_key >= @prefix AND a.display_name_key < @end)
          AND NOT {Silenced("a.id")}
          AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = a.id AND b.target_account_id = @viewer)
        ORDER BY CASE WHEN a.username_key = @prefix THEN 0 ELSE 1 END,
                 CASE WHEN EXISTS (SELECT 1 FROM follows f WHERE f.account_id = @viewer AND f.target_account_id = a.id) THEN 0 ELSE 1 END,
                 a.followers_count DESC, a.id
        LIMIT @limit OFFSET @offset
        """;

    /// <summary>SearchTerms.PrefixEnd: the exclusive upper bound of keys starting with a prefix (bytewise order).</summary>
    public static string PrefixEnd(string prefix) => prefix + char.ConvertFromUtf32(0x10FFFF);

    /// <summary>A refresh's first query: every public tagged post of the tag history's window (seven UTC days).</summary>
    public const string TrendingTagUses =
        """
        SELECT st.tag_id, t.name, st.status_id, s.account_id
        FROM status_tags st JOIN statuses s ON s.id = st.status_id JOIN tags t ON t.id = st.tag_id
        WHERE st.status_id >= @since AND s.visibility = 0
        """;

    /// <summary>A refresh's second query: the last day's public posts with any interaction, best first.</summary>
    public const string TrendingStatuses =
        """
        SELECT s.id FROM statuses s
        WHERE s.id >= @dayAgo AND s.visibility = 0 AND s.reblog_of_id IS NULL
          AND s.reblogs_count + s.favourites_count + s.replies_count > 0
        ORDER BY 2 * s.reblogs_count + s.favourites_count + s.replies_count DESC, s.id DESC
        LIMIT @limit
        """;

    /// <summary>Snowflake.LowestIdAt: a time as the lowest id made then.</summary>
    public static long LowestIdAt(DateTimeOffset time) => Math.Max(0, time.ToUnixTimeMilliseconds()) << 16;

    /// <summary>TagUsage.Since: the first UTC day of the seven-day history.</summary>
    public static long TagHistorySince(DateTimeOffset now) => LowestIdAt(new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-6));
}
