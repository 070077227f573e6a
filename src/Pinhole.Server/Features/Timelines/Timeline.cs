using System.Data.Common;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Timelines;

/// <summary>
/// A timeline is one SQL query that yields a page of (cursor, status id) pairs newest first; this runs it
/// with Mastodon's paging, renders the statuses for the viewer (with the viewer's filters of the timeline's context,
/// if it has one: matching posts carry <c>filtered</c>, and hidden ones make way for the next) and sets the
/// <c>Link</c> header.
/// </summary>
public static class Timeline
{
    private sealed class Entry
    {
        public long Cursor { get; init; }
        public long StatusId { get; init; }
    }

    /// <param name="select">SELECT … AS cursor, … AS status_id FROM … WHERE …, without ORDER BY or LIMIT.</param>
    /// <param name="cursor">The column the page is cut on (usually the status id).</param>
    /// <param name="filterContext">Where the viewer's filters apply to this timeline (<see cref="FilterContexts"/>); null: nowhere.</param>
    public static Task<IReadOnlyList<Status>> ReadAsync(
        HttpContext http, DbConnection connection, StatusViews views, long viewer, string select, string cursor, object parameters, CancellationToken cancellationToken,
        string? filterContext = null) =>
        ReadAsync(http, connection, views, viewer, page => $"{select} {page.Bounds(cursor)} ORDER BY {page.OrderBy(cursor)} LIMIT @page_limit", parameters, cancellationToken,
            filterContext: filterContext);

    /// <param name="query">The whole query for a page, bounds, order and @page_limit included, for queries that cut the page inside.</param>
    /// <param name="recentFirst">
    /// Try the page within each of these windows before its newest end first, shortest first, and only when one finds
    /// less than a page look further back: for a timeline whose sources each wrote a great deal, a window reads a few
    /// recent rows per source instead of a page per source. Null: no first try.
    /// </param>
    public static async Task<IReadOnlyList<Status>> ReadAsync(
        HttpContext http, DbConnection connection, StatusViews views, long viewer, Func<Page, string> query, object parameters,
        CancellationToken cancellationToken, (IReadOnlyList<TimeSpan> Windows, DateTimeOffset Now)? recentFirst = null, string? filterContext = null)
    {
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var filters = filterContext is null ? FilterScope.Nothing : (await ActiveFilters.LoadAsync(connection, viewer, cancellationToken)).In(filterContext, now);

        async Task<List<Entry>> FetchAsync(Page cut)
        {
            var arguments = cut.AddTo(new DynamicParameters(parameters));
            arguments.Add("viewer", viewer);
            arguments.Add("now", now.ToUnixTimeMilliseconds());
            return cut.Newest(await connection.QueryAsync<Entry>(connection.Command(query(cut), arguments, cancellationToken: cancellationToken)));
        }

        async Task<List<Entry>> FetchPageAsync(Page page)
        {
            List<Entry>? entries = null;
            foreach (var window in recentFirst?.Windows ?? [])
            {
                if (page.Recent(window, recentFirst!.Value.Now) is not { } recent)
                    break;
                entries = await FetchAsync(recent);
                if (entries.Count >= page.Limit)
                    return entries;
            }
            return await FetchAsync(page);
        }

        return await FilteredPage.ReadAsync(http, Page.From(http.Request), FetchPageAsync, e => e.Cursor,
            entries => views.RenderAsync(connection, viewer, entries.Select(e => e.StatusId).ToList(), cancellationToken, filters), FilterScope.Hides);
    }
}
