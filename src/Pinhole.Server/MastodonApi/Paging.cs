using System.Globalization;
using System.Text;
using Dapper;
using Pinhole.Data;

namespace Pinhole.Server.MastodonApi;

/// <summary>
/// Mastodon's pagination, done once: <c>max_id</c> (older than), <c>since_id</c> (newer than, newest first),
/// <c>min_id</c> (immediately newer than, oldest first) and <c>limit</c>, over any id-ordered column; then the
/// <c>Link</c> header that lets a client walk on.
/// </summary>
public sealed record Page(long? MaxId, long? SinceId, long? MinId, int Limit)
{
    /// <summary>An extra lower id bound, set by <see cref="Recent"/>: a time window, since ids are time.</summary>
    public long? WindowId { get; init; }

    public const int DefaultLimit = 20;
    public const int MaxLimit = 40;

    /// <summary>
    /// This page cut to the <paramref name="window"/> before its newest end (now, or <c>max_id</c>'s time); null when
    /// the page is anchored from below (<c>min_id</c>, <c>since_id</c>), where a window would cut the wrong end.
    /// </summary>
    public Page? Recent(TimeSpan window, DateTimeOffset now) =>
        MinId is null && SinceId is null
            ? this with { WindowId = Snowflake.LowestIdAt((MaxId is { } max ? Snowflake.TimeOf(max) : now) - window) }
            : null;

    /// <summary>Results are fetched oldest first only for <c>min_id</c>; they are always returned newest first.</summary>
    public bool Ascending => MinId is not null;

    public static Page From(HttpRequest request, int defaultLimit = DefaultLimit, int maxLimit = MaxLimit)
    {
        var limit = ParseLong(request, "limit") is { } l ? (int)Math.Clamp(l, 1, maxLimit) : defaultLimit;
        return new Page(ParseLong(request, "max_id"), ParseLong(request, "since_id"), ParseLong(request, "min_id"), limit);
    }

    /// <summary>The bounds on <paramref name="column"/> as SQL conditions, each starting with AND.</summary>
    public string Bounds(string column)
    {
        var sql = new StringBuilder();
        if (MaxId is not null)
            sql.Append(CultureInfo.InvariantCulture, $" AND {column} < @page_max_id");
        if (SinceId is not null)
            sql.Append(CultureInfo.InvariantCulture, $" AND {column} > @page_since_id");
        if (MinId is not null)
            sql.Append(CultureInfo.InvariantCulture, $" AND {column} > @page_min_id");
        if (WindowId is not null)
            sql.Append(CultureInfo.InvariantCulture, $" AND {column} > @page_window_id");
        return sql.ToString();
    }

    public string OrderBy(string column) => Ascending ? $"{column} ASC" : $"{column} DESC";

    public DynamicParameters AddTo(DynamicParameters parameters)
    {
        parameters.Add("page_max_id", MaxId ?? 0);
        parameters.Add("page_since_id", SinceId ?? 0);
        parameters.Add("page_min_id", MinId ?? 0);
        parameters.Add("page_limit", Limit);
        parameters.Add("page_window_id", WindowId ?? 0);
        return parameters;
    }

    /// <summary>Puts rows fetched in <see cref="OrderBy"/> order into newest-first order.</summary>
    public List<T> Newest<T>(IEnumerable<T> rows)
    {
        var list = rows.ToList();
        if (Ascending)
            list.Reverse();
        return list;
    }

    private static long? ParseLong(HttpRequest request, string name)
    {
        var value = request.Query[name].ToString();
        if (value.Length == 0)
            return null;
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw ApiException.Unprocessable($"{name} must be a numeric id");
    }
}

public static class PageLinks
{
    /// <summary>Sets Mastodon's <c>Link</c> header: next = older than the last item, prev = newer than the first.</summary>
    public static void Add(HttpContext context, long? newestId, long? oldestId)
    {
        if (newestId is null || oldestId is null)
            return;
        var request = context.Request;
        var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
        context.Response.Headers.Link =
            $"<{With(baseUrl, request.Query, "max_id", oldestId.Value)}>; rel=\"next\", " +
            $"<{With(baseUrl, request.Query, "min_id", newestId.Value)}>; rel=\"prev\"";
    }

    private static string With(string baseUrl, IQueryCollection query, string key, long value)
    {
        var pairs = query
            .Where(q => q.Key is not ("max_id" or "min_id" or "since_id"))
            .SelectMany(q => q.Value.Select(v => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(v ?? "")}"))
            .Append($"{key}={value.ToString(CultureInfo.InvariantCulture)}");
        return $"{baseUrl}?{string.Join('&', pairs)}";
    }
}
