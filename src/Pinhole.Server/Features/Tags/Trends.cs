using Dapper;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Tags;

public sealed record TrendingTag(long Id, string Name, IReadOnlyList<TagUse> Uses, int People);

/// <summary>
/// What is trending over the last day, refreshed at most once per <c>Pinhole:Trends:RefreshSeconds</c> with one
/// indexed range query for tags and one for posts (ids are time, so "the last day" is an id range), and served from
/// memory in between. Tags rank by how many people used them in the last 24 hours, then by uses; posts by their
/// reblogs, favourites and replies. Each reader's blocks and mutes are applied when the trends are read.
/// </summary>
public sealed class Trends(Db db, TimeProvider time, IOptions<PinholeOptions> options) : IDisposable
{
    public const int Size = 40;

    private readonly SemaphoreSlim _refresh = new(1, 1);
    private Snapshot? _current;

    public sealed record Snapshot(DateTimeOffset At, IReadOnlyList<TrendingTag> Tags, IReadOnlyList<long> StatusIds);

    private sealed class TagUseRow
    {
        public long TagId { get; init; }
        public string Name { get; init; } = "";
        public long StatusId { get; init; }
        public long AccountId { get; init; }
    }

    public async Task<Snapshot> CurrentAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.Trends.RefreshSeconds);
        if (_current is { } fresh && time.GetUtcNow() - fresh.At < interval)
            return fresh;
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } refreshed && time.GetUtcNow() - refreshed.At < interval)
                return refreshed;
            _current = await ComputeAsync(cancellationToken);
            return _current;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<Snapshot> ComputeAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var dayAgo = Snowflake.LowestIdAt(now.AddDays(-1));
        await using var connection = await db.OpenAsync(cancellationToken);
        // Every public tagged post of the history window (a week), in one range scan of status_tags by post id.
        var uses = (await connection.QueryAsync<TagUseRow>(connection.Command(
            """
            SELECT st.tag_id, t.name, st.status_id, s.account_id
            FROM status_tags st JOIN statuses s ON s.id = st.status_id JOIN tags t ON t.id = st.tag_id
            WHERE st.status_id >= @since AND s.visibility = 0
            """, new { since = TagUsage.Since(now) }, cancellationToken: cancellationToken))).ToList();
        var tags = uses
            .GroupBy(u => (u.TagId, u.Name))
            .Select(g =>
            {
                var lastDay = g.Where(u => u.StatusId >= dayAgo).ToList();
                return (g.Key, Uses: g.Select(u => new TagUse { TagId = u.TagId, StatusId = u.StatusId, AccountId = u.AccountId }).ToList(),
                        People: lastDay.Select(u => u.AccountId).Distinct().Count(), Recent: lastDay.Count);
            })
            .Where(t => t.People > 0)
            .OrderByDescending(t => t.People).ThenByDescending(t => t.Recent).ThenBy(t => t.Key.Name, StringComparer.Ordinal)
            .Take(Size)
            .Select(t => new TrendingTag(t.Key.TagId, t.Key.Name, t.Uses, t.People))
            .ToList();

        var statuses = (await connection.QueryAsync<long>(connection.Command(
            """
            SELECT s.id FROM statuses s
            WHERE s.id >= @dayAgo AND s.visibility = 0 AND s.reblog_of_id IS NULL
              AND s.reblogs_count + s.favourites_count + s.replies_count > 0
            ORDER BY 2 * s.reblogs_count + s.favourites_count + s.replies_count DESC, s.id DESC
            LIMIT @limit
            """, new { dayAgo, limit = Size }, cancellationToken: cancellationToken))).ToList();
        return new Snapshot(now, tags, statuses);
    }

    public void Dispose() => _refresh.Dispose();
}
