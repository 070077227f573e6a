namespace Pinhole.Server.Features.CustomFilters;

/// <summary>Where a filter applies, with Mastodon's names.</summary>
public static class FilterContexts
{
    /// <summary>The home timeline and lists (and the user and list streams).</summary>
    public const string Home = "home";
    public const string Notifications = "notifications";

    /// <summary>The public and hashtag timelines (and their streams).</summary>
    public const string Public = "public";

    /// <summary>A post opened by itself, with its replies.</summary>
    public const string Thread = "thread";

    /// <summary>A profile's posts.</summary>
    public const string Account = "account";

    public static readonly IReadOnlyList<string> All = [Home, Notifications, Public, Thread, Account];
}

/// <summary>What a filter does to a post it matches: <c>warn</c> (the client shows it behind the filter's title),
/// <c>hide</c> (the server leaves it out) or <c>blur</c> (the client blurs its media).</summary>
public static class FilterActions
{
    public const string Warn = "warn";
    public const string Hide = "hide";
    public const string Blur = "blur";

    public static readonly IReadOnlyList<string> All = [Warn, Hide, Blur];
}
