using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.CustomFilters;

/// <summary>
/// A page with the viewer's <c>hide</c> filters applied. Hidden items are dropped after the page is read; while
/// something was dropped and there is more, the items after the last one read are read to make up the shortfall (at
/// most <see cref="MaxReads"/> reads in all), so pages stay full. The <c>Link</c> header names the newest and oldest
/// items read, hidden or not, so the next page starts where this one stopped.
/// </summary>
public static class FilteredPage
{
    /// <summary>A run of hidden posts longer than this still gives a short page (as every hidden post does on Mastodon), never an unbounded read.</summary>
    public const int MaxReads = 3;

    private static readonly object EndKey = new();

    /// <summary>
    /// Whether the page read for this request reached the end of its feed. A short page that did not is a run of
    /// hidden posts longer than <see cref="MaxReads"/> reads: there is more past it, from where the reading stopped.
    /// </summary>
    public static bool ReachedTheEnd(HttpContext http) => http.Items.ContainsKey(EndKey);

    /// <param name="fetch">The rows of a page, newest first (for <c>min_id</c>, the oldest above it, still returned newest first).</param>
    /// <param name="cursor">The id a row is paged on.</param>
    /// <param name="render">The rows as entities; rows whose subject has gone may be skipped.</param>
    /// <param name="hidden">Whether a hide filter matched the entity.</param>
    public static async Task<IReadOnlyList<TItem>> ReadAsync<TRow, TItem>(HttpContext http, Page page, Func<Page, Task<List<TRow>>> fetch, Func<TRow, long> cursor,
        Func<List<TRow>, Task<IReadOnlyList<TItem>>> render, Func<TItem, bool> hidden)
    {
        var shown = new List<TItem>();
        long? newest = null, oldest = null;
        var cut = page;
        for (var read = 1; ; read++)
        {
            var rows = await fetch(cut);
            if (rows.Count > 0)
            {
                newest = Math.Max(newest ?? long.MinValue, cursor(rows[0]));
                oldest = Math.Min(oldest ?? long.MaxValue, cursor(rows[^1]));
            }
            var items = await render(rows);
            var kept = items.Where(i => !hidden(i)).ToList();
            // A min_id page reads upwards: what a later read finds is newer, so it goes in front.
            shown.InsertRange(page.Ascending ? 0 : shown.Count, kept);
            if (rows.Count < cut.Limit)
            {
                http.Items[EndKey] = true;
                break;
            }
            if (kept.Count == items.Count || shown.Count >= page.Limit || read == MaxReads)
                break;
            cut = page.Ascending
                ? page with { MinId = newest, Limit = page.Limit - shown.Count }
                : page with { MaxId = oldest, Limit = page.Limit - shown.Count };
        }
        PageLinks.Add(http, newest, oldest);
        return shown;
    }
}
