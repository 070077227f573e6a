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
/// author and the accounts it mentions. Every read path filters through this.
/// </summary>
public static class VisibleTo
{
    public static string Viewer(string s) =>
        $"""
        ({s}.visibility <= 1
         OR {s}.account_id = @viewer
         OR ({s}.visibility = 2 AND EXISTS (SELECT 1 FROM follows vf WHERE vf.account_id = @viewer AND vf.target_account_id = {s}.account_id))
         OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = {s}.id AND vm.account_id = @viewer))
        """;
}
