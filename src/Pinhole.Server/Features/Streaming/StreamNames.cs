using Pinhole.Server.Features.Statuses;

namespace Pinhole.Server.Features.Streaming;

/// <summary>Mastodon's stream names. Pinhole has only local posts, so the "local" streams carry what the others do.</summary>
public static class StreamNames
{
    public const string User = "user";
    public const string UserNotification = "user:notification";
    public const string Public = "public";
    public const string PublicMedia = "public:media";
    public const string PublicLocal = "public:local";
    public const string PublicLocalMedia = "public:local:media";
    public const string Hashtag = "hashtag";
    public const string HashtagLocal = "hashtag:local";
    public const string List = "list";
    public const string Direct = "direct";

    public static readonly IReadOnlySet<string> All = new HashSet<string>
    {
        User, UserNotification, Public, PublicMedia, PublicLocal, PublicLocalMedia, Hashtag, HashtagLocal, List, Direct,
    };

    /// <summary>Streams open to anyone: public posts only, as the public timelines.</summary>
    public static bool IsAnonymous(string name) => name is Public or PublicMedia or PublicLocal or PublicLocalMedia or Hashtag or HashtagLocal;

    /// <summary>Whether a public, original post belongs on the public stream <paramref name="key"/>.</summary>
    public static bool IsPublic(StreamKey key, bool hasMedia, IReadOnlySet<string> tags) => key.Name switch
    {
        Public or PublicLocal => true,
        PublicMedia or PublicLocalMedia => hasMedia,
        Hashtag or HashtagLocal => key.Parameter is { } tag && tags.Contains(tag),
        _ => false,
    };

    /// <summary>A stream named by a client, with its parameter checked and normalised; null when it is not one.</summary>
    public static StreamKey? Parse(string? name, string? tag, string? list)
    {
        if (name is null || !All.Contains(name))
            return null;
        if (name is Hashtag or HashtagLocal)
            return string.IsNullOrWhiteSpace(tag) ? null : new StreamKey(name, StatusText.NormalizeTag(tag.TrimStart('#')));
        if (name is List)
            return long.TryParse(list, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? new StreamKey(name, list) : null;
        return new StreamKey(name);
    }
}
