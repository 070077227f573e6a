using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.CustomFilters;

/// <summary>What a filter is matched against: a post (or a reblog, by the post it carries) and its words.</summary>
/// <param name="StatusId">The post as shown (the reblog, for a reblog).</param>
/// <param name="ReblogOfId">The post a reblog carries.</param>
/// <param name="Text">The carried post's text, content warning and alt texts, as Mastodon searches them.</param>
public sealed record FilterSubject(long StatusId, long? ReblogOfId, string Text)
{
    public static FilterSubject Of(long statusId, long? reblogOfId, string text, string spoilerText, IEnumerable<string?> mediaDescriptions) =>
        new(statusId, reblogOfId, string.Join("\n\n", new[] { spoilerText, text }.Concat(mediaDescriptions).Where(t => !string.IsNullOrEmpty(t))));
}

/// <summary>
/// One person's filters, loaded once per request (they are few) with each keyword made into a pattern, then matched
/// in memory against every post of the page. Expired filters stay in the list and are skipped when matching.
/// </summary>
public sealed partial class ActiveFilters
{
    public static readonly ActiveFilters None = new([]);

    private readonly IReadOnlyList<CompiledFilter> _filters;

    private ActiveFilters(IReadOnlyList<CompiledFilter> filters) => _filters = filters;

    public bool IsEmpty => _filters.Count == 0;

    public static async Task<ActiveFilters> LoadAsync(DbConnection connection, long viewer, CancellationToken cancellationToken)
    {
        if (viewer == 0)
            return None;
        var stored = await StoredFilters.LoadAsync(connection, viewer, null, cancellationToken);
        return stored.Count == 0 ? None : new ActiveFilters(stored.Select(s => new CompiledFilter(s)).ToList());
    }

    /// <summary>The filters that apply in <paramref name="context"/> and have not expired at <paramref name="now"/>.</summary>
    public FilterScope In(string context, DateTimeOffset now)
    {
        var at = now.ToUnixTimeMilliseconds();
        var applying = _filters.Where(f => f.Contexts.Contains(context) && (f.ExpiresAt is null || f.ExpiresAt > at)).ToList();
        return applying.Count == 0 ? FilterScope.Nothing : new FilterScope(applying);
    }

    /// <summary>A keyword as a pattern: case-insensitive, and with word boundaries where the keyword starts or ends with a word character, as Mastodon's whole_word.</summary>
    internal static string Pattern(string keyword, bool wholeWord)
    {
        var escaped = Regex.Escape(keyword);
        if (!wholeWord)
            return escaped;
        return $"{(StartsWithWordCharacter().IsMatch(keyword) ? @"\b" : "")}{escaped}{(EndsWithWordCharacter().IsMatch(keyword) ? @"\b" : "")}";
    }

    [GeneratedRegex(@"^\w", RegexOptions.CultureInvariant)]
    private static partial Regex StartsWithWordCharacter();

    [GeneratedRegex(@"\w$", RegexOptions.CultureInvariant)]
    private static partial Regex EndsWithWordCharacter();

    internal sealed class CompiledFilter
    {
        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

        // All keywords at once, so a post that matches none (nearly all) costs one scan; each keyword only on a hit.
        private readonly Regex? _any;
        private readonly (string Keyword, Regex Pattern)[] _keywords;
        private readonly HashSet<long> _statusIds;

        public CompiledFilter(StoredFilter stored)
        {
            Contexts = stored.Filter.Contexts;
            ExpiresAt = stored.Filter.ExpiresAt;
            Entity = stored.Filter.ToEntity();
            _keywords = stored.Keywords.Select(k => (k.Keyword, new Regex(Pattern(k.Keyword, k.WholeWord), Options))).ToArray();
            _any = _keywords.Length == 0 ? null
                : new Regex(string.Join('|', stored.Keywords.Select(k => $"(?:{Pattern(k.Keyword, k.WholeWord)})")), Options);
            _statusIds = stored.Statuses.Select(s => s.StatusId).ToHashSet();
        }

        public IReadOnlyList<string> Contexts { get; }

        public long? ExpiresAt { get; }

        public Filter Entity { get; }

        public FilterResult? Match(FilterSubject subject)
        {
            IReadOnlyList<string>? keywords = _any is not null && _any.IsMatch(subject.Text)
                ? _keywords.Where(k => k.Pattern.IsMatch(subject.Text)).Select(k => k.Keyword).ToList()
                : null;
            IReadOnlyList<string>? statuses = _statusIds.Count == 0 ? null
                : new[] { subject.StatusId, subject.ReblogOfId }.OfType<long>().Where(_statusIds.Contains)
                    .Select(id => id.ToString(CultureInfo.InvariantCulture)).ToList();
            if (keywords is not { Count: > 0 } && statuses is not { Count: > 0 })
                return null;
            return new FilterResult(Entity, keywords is { Count: > 0 } ? keywords : null, statuses is { Count: > 0 } ? statuses : null);
        }
    }
}

/// <summary>The viewer's filters that apply where a page is shown (home, a thread, …).</summary>
public sealed class FilterScope
{
    public static readonly FilterScope Nothing = new([]);

    private readonly IReadOnlyList<ActiveFilters.CompiledFilter> _filters;

    internal FilterScope(IReadOnlyList<ActiveFilters.CompiledFilter> filters) => _filters = filters;

    public bool IsEmpty => _filters.Count == 0;

    /// <summary>Mastodon's <c>filtered</c> for the post: every filter that matched it; null when none did.</summary>
    public IReadOnlyList<FilterResult>? Match(FilterSubject subject)
    {
        if (_filters.Count == 0)
            return null;
        var results = _filters.Select(f => f.Match(subject)).OfType<FilterResult>().ToList();
        return results.Count == 0 ? null : results;
    }

    /// <summary>A post a <c>hide</c> filter matched: left out of the page, the stream or the notifications.</summary>
    public static bool Hides(Status status) => Hides(status.Filtered);

    public static bool Hides(IReadOnlyList<FilterResult>? filtered) => filtered?.Any(r => r.Filter.FilterAction == FilterActions.Hide) == true;
}
