using Microsoft.AspNetCore.Http.Extensions;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Web;

/// <summary>A page's link to the next, older page: the same address with <c>max_id</c> at the last item shown.</summary>
public static class WebPaging
{
    /// <summary>Null when this page was not full, so there is nothing older.</summary>
    public static string? Older(HttpContext http, IReadOnlyList<string> ids, int? limit = null)
    {
        if (ids.Count == 0 || ids.Count < (limit ?? Page.From(http.Request).Limit))
            return null;
        var query = new QueryBuilder(http.Request.Query
            .Where(q => q.Key is not ("max_id" or "min_id" or "since_id"))
            .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? ""))))
        {
            { "max_id", ids[^1] },
        };
        return http.Request.Path + query.ToQueryString().ToString();
    }

    /// <summary>
    /// The next page as the API's handler announced it in the <c>Link</c> header, for lists paged by something other
    /// than the ids shown (followers are paged by when they followed), as a local address.
    /// </summary>
    public static string? NextFromLinkHeader(HttpContext http)
    {
        var link = http.Response.Headers.Link.ToString();
        var start = link.IndexOf('<', StringComparison.Ordinal);
        var end = link.IndexOf(">; rel=\"next\"", StringComparison.Ordinal);
        return start >= 0 && end > start && Uri.TryCreate(link[(start + 1)..end], UriKind.Absolute, out var next) ? next.PathAndQuery : null;
    }

    /// <summary>The page's own address, for forms on it to come back to.</summary>
    public static string Here(HttpContext http) => http.Request.Path + http.Request.QueryString;
}
