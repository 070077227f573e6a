using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Web;

/// <summary>A page's link to the next, older page: the same address with <c>max_id</c> where its reading stopped.</summary>
public static class WebPaging
{
    /// <summary>
    /// The next page of a feed read through <see cref="FilteredPage"/>: after a full page, older than its last post;
    /// after a short one that did not reach the feed's end (the reader's filters hid a long run of posts), from where
    /// the reading stopped, hidden posts included, so scrolling never ends before the feed does.
    /// </summary>
    public static string? OlderInFeed(HttpContext http, int shown, int limit) =>
        shown < limit && FilteredPage.ReachedTheEnd(http) ? null : NextFromLinkHeader(http);

    /// <summary><see cref="OlderInFeed(HttpContext, int, int)"/> for a feed of posts at the page's limit (the API's default, or <c>limit</c>).</summary>
    public static string? OlderInFeed(HttpContext http, int shown) => OlderInFeed(http, shown, Page.From(http.Request).Limit);

    /// <summary>The next page of a list the API pages in full (no filters): none after a short page, the last.</summary>
    public static string? OlderInList(HttpContext http, int shown, int limit) => shown < limit ? null : NextFromLinkHeader(http);

    /// <summary>
    /// The next page as the API's handler announced it in the <c>Link</c> header, for lists paged by something other
    /// than the ids shown (followers are paged by when they followed), as a local address.
    /// </summary>
    private static string? NextFromLinkHeader(HttpContext http)
    {
        var link = http.Response.Headers.Link.ToString();
        var start = link.IndexOf('<', StringComparison.Ordinal);
        var end = link.IndexOf(">; rel=\"next\"", StringComparison.Ordinal);
        return start >= 0 && end > start && Uri.TryCreate(link[(start + 1)..end], UriKind.Absolute, out var next) ? next.PathAndQuery : null;
    }

    /// <summary>The page's own address, for forms on it to come back to.</summary>
    public static string Here(HttpContext http) => http.Request.Path + http.Request.QueryString;
}
