using System.Text.Json.Serialization;

namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>
/// Mastodon's Filter (v2): a title, the contexts it applies in, what it does when a post matches, and its keywords
/// and posts. Inside a <see cref="FilterResult"/> the keywords and posts are left out, as on Mastodon.
/// </summary>
public sealed record Filter
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public required IReadOnlyList<string> Context { get; init; }
    public required DateTimeOffset? ExpiresAt { get; init; }
    public required string FilterAction { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FilterKeyword>? Keywords { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FilterStatus>? Statuses { get; init; }
}

public sealed record FilterKeyword(string Id, string Keyword, bool WholeWord);

public sealed record FilterStatus(string Id, string StatusId);

/// <summary>A filter that matched a post, on the post's <c>filtered</c>: which of its keywords matched, and whether the post itself is one of its posts.</summary>
public sealed record FilterResult(Filter Filter, IReadOnlyList<string>? KeywordMatches, IReadOnlyList<string>? StatusMatches);

/// <summary>Mastodon's V1::Filter: one keyword of a v2 filter, as clients from before Mastodon 4.0 read them.</summary>
public sealed record V1Filter(string Id, string Phrase, IReadOnlyList<string> Context, bool WholeWord, DateTimeOffset? ExpiresAt, bool Irreversible);
