namespace Pinhole.Server.Features.Statuses;

/// <summary>Who may see a post. Stored as its number; the order matters (lower is more public).</summary>
public enum Visibility
{
    Public = 0,
    Unlisted = 1,
    Private = 2,
    Direct = 3,
}

public static class VisibilityNames
{
    public static string Name(this Visibility visibility) => visibility switch
    {
        Visibility.Public => "public",
        Visibility.Unlisted => "unlisted",
        Visibility.Private => "private",
        _ => "direct",
    };

    public static Visibility? Parse(string? name) => name switch
    {
        "public" => Visibility.Public,
        "unlisted" => Visibility.Unlisted,
        "private" => Visibility.Private,
        "direct" => Visibility.Direct,
        _ => null,
    };
}

/// <summary>
/// The one rule for who sees a post, as SQL over a <c>statuses</c> alias with the viewer in <c>@viewer</c>
/// (0 for nobody signed in, which matches no account): public and unlisted posts are for everyone; a
/// followers-only post for its author, their followers and the accounts it mentions; a direct post for its
/// author and the accounts it mentions; and nothing at all for someone the author has blocked. Every read path
/// filters through this.
/// </summary>
public static class VisibleTo
{
    public static string Viewer(string s) =>
        $"""
        (({s}.visibility <= 1
          OR {s}.account_id = @viewer
          OR ({s}.visibility = 2 AND EXISTS (SELECT 1 FROM follows vf WHERE vf.account_id = @viewer AND vf.target_account_id = {s}.account_id))
          OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = {s}.id AND vm.account_id = @viewer))
         AND NOT EXISTS (SELECT 1 FROM blocks vb WHERE vb.account_id = {s}.account_id AND vb.target_account_id = @viewer))
        """;
}

/// <summary>
/// What a viewer chose not to see in their feeds (timelines, tag feeds, notifications, search): posts by accounts
/// they block or mute (until the mute expires, at <c>@now</c>), and reblogs of such accounts' posts or of posts
/// whose author blocks the viewer. A hidden post is still there by its link, as on Mastodon.
/// </summary>
public static class FeedFilter
{
    /// <summary>The account <paramref name="account"/> (an SQL expression) is blocked or muted by the viewer.</summary>
    public static string Silenced(string account) =>
        $"""
        (EXISTS (SELECT 1 FROM blocks fb WHERE fb.account_id = @viewer AND fb.target_account_id = {account})
         OR EXISTS (SELECT 1 FROM mutes fm WHERE fm.account_id = @viewer AND fm.target_account_id = {account}
                    AND (fm.expires_at IS NULL OR fm.expires_at > @now)))
        """;

    /// <summary>The post <paramref name="s"/> may appear in the viewer's feeds.</summary>
    public static string Shown(string s) =>
        $"""
        (NOT {Silenced($"{s}.account_id")}
         AND ({s}.reblog_of_id IS NULL OR NOT EXISTS (
             SELECT 1 FROM statuses fo WHERE fo.id = {s}.reblog_of_id
             AND ({Silenced("fo.account_id")}
                  OR EXISTS (SELECT 1 FROM blocks fob WHERE fob.account_id = fo.account_id AND fob.target_account_id = @viewer)))))
        """;
}
