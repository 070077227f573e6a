namespace Pinhole.Bench.Explain;

/// <summary>
/// The page queries of the home and tag timelines exactly as the server sends them for the first page with
/// limit=20: the SELECTs copied from src/Pinhole.Server/Features/Timelines/TimelineEndpoints.cs (Home, and Tag
/// with one tag) with what Timeline.ReadAsync and Page append. Copied, not shared: the bench must not depend on
/// the server; re-copy when those queries change.
/// </summary>
public static class TimelineSql
{
    public const string Home =
        """
        SELECT s.id AS cursor, s.id AS status_id FROM statuses s
        WHERE s.account_id IN (SELECT target_account_id FROM follows WHERE account_id = @viewer UNION ALL SELECT @viewer)
          AND (s.visibility <= 2 OR s.account_id = @viewer
               OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = s.id AND vm.account_id = @viewer))
          AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id OR s.in_reply_to_account_id = @viewer
               OR s.in_reply_to_account_id IN (SELECT target_account_id FROM follows WHERE account_id = @viewer))
          AND (s.reblog_of_id IS NULL OR s.account_id = @viewer
               OR EXISTS (SELECT 1 FROM follows rf WHERE rf.account_id = @viewer AND rf.target_account_id = s.account_id AND rf.show_reblogs = TRUE))
         ORDER BY s.id DESC LIMIT @page_limit
        """;

    public const string Tag =
        """
        SELECT  st.status_id AS cursor, st.status_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
        WHERE st.tag_id = @tagId AND s.visibility = 0
         ORDER BY st.status_id DESC LIMIT @page_limit
        """;

    public static object Parameters(long viewer, long tagId) => new { viewer, tagId, page_limit = 20 };
}
