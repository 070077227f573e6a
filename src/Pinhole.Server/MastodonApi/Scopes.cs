using System.Collections.Frozen;

namespace Pinhole.Server.MastodonApi;

/// <summary>
/// Mastodon's OAuth scopes: high-level scopes (<c>read</c>, <c>write</c>, <c>follow</c>, <c>admin:read</c>, …)
/// grant the granular ones beneath them, and an endpoint names the granular scope it needs.
/// </summary>
public static class Scopes
{
    public const string Profile = "profile";
    public const string Push = "push";
    public const string Read = "read";
    public const string Write = "write";
    public const string Follow = "follow";

    public const string ReadAccounts = "read:accounts";
    public const string ReadBlocks = "read:blocks";
    public const string ReadBookmarks = "read:bookmarks";
    public const string ReadLists = "read:lists";
    public const string ReadMutes = "read:mutes";
    public const string ReadNotifications = "read:notifications";
    public const string ReadSearch = "read:search";
    public const string ReadFavourites = "read:favourites";
    public const string ReadFilters = "read:filters";
    public const string ReadFollows = "read:follows";
    public const string ReadStatuses = "read:statuses";
    public const string WriteAccounts = "write:accounts";
    public const string WriteBlocks = "write:blocks";
    public const string WriteBookmarks = "write:bookmarks";
    public const string WriteConversations = "write:conversations";
    public const string WriteFilters = "write:filters";
    public const string WriteLists = "write:lists";
    public const string WriteMutes = "write:mutes";
    public const string WriteNotifications = "write:notifications";
    public const string WriteFavourites = "write:favourites";
    public const string WriteFollows = "write:follows";
    public const string WriteMedia = "write:media";
    public const string WriteStatuses = "write:statuses";
    public const string AdminReadAccounts = "admin:read:accounts";
    public const string AdminWriteAccounts = "admin:write:accounts";

    private static readonly string[] ReadGranular =
        ["read:accounts", "read:blocks", "read:bookmarks", "read:favourites", "read:filters", "read:follows",
         "read:lists", "read:mutes", "read:notifications", "read:search", "read:statuses"];

    private static readonly string[] WriteGranular =
        ["write:accounts", "write:blocks", "write:bookmarks", "write:conversations", "write:favourites", "write:filters",
         "write:follows", "write:lists", "write:media", "write:mutes", "write:notifications", "write:reports", "write:statuses"];

    private static readonly string[] AdminReadGranular =
        ["admin:read:accounts", "admin:read:reports", "admin:read:domain_allows", "admin:read:domain_blocks",
         "admin:read:ip_blocks", "admin:read:email_domain_blocks", "admin:read:canonical_email_blocks"];

    private static readonly string[] AdminWriteGranular =
        ["admin:write:accounts", "admin:write:reports", "admin:write:domain_allows", "admin:write:domain_blocks",
         "admin:write:ip_blocks", "admin:write:email_domain_blocks", "admin:write:canonical_email_blocks"];

    private static readonly FrozenDictionary<string, string[]> Grants = new Dictionary<string, string[]>
    {
        [Read] = ReadGranular,
        [Write] = WriteGranular,
        [Follow] = ["read:blocks", "read:follows", "read:mutes", "write:blocks", "write:follows", "write:mutes"],
        ["admin:read"] = AdminReadGranular,
        ["admin:write"] = AdminWriteGranular,
    }.ToFrozenDictionary();

    /// <summary>Every scope a client may ask for, as advertised by the authorization-server metadata.</summary>
    public static readonly IReadOnlyList<string> Supported =
        [Read, .. ReadGranular, Write, .. WriteGranular, Follow, Push, Profile,
         "admin:read", .. AdminReadGranular, "admin:write", .. AdminWriteGranular];

    private static readonly FrozenSet<string> Known = Supported.ToFrozenSet();

    /// <summary>Splits a scope string as OAuth clients send it (spaces, or pluses in query strings).</summary>
    public static string[] Parse(string? scopes) =>
        string.IsNullOrWhiteSpace(scopes)
            ? [Read]
            : scopes.Split([' ', '+'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray();

    public static bool AreKnown(IEnumerable<string> scopes) => scopes.All(Known.Contains);

    /// <summary>True when a token holding <paramref name="held"/> may use an endpoint that needs <paramref name="required"/>.</summary>
    public static bool Allows(IReadOnlyCollection<string> held, string required)
    {
        if (held.Contains(required))
            return true;
        foreach (var scope in held)
        {
            if (Grants.TryGetValue(scope, out var granted) && granted.Contains(required))
                return true;
        }
        return false;
    }

    /// <summary>True when every requested scope is covered by the app's registered scopes.</summary>
    public static bool AreSubsetOf(IEnumerable<string> requested, IReadOnlyCollection<string> registered) =>
        requested.All(s => Allows(registered, s));
}
