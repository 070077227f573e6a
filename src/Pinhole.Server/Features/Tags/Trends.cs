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
/// <remarks>
/// A reader who finds the trends due for a refresh starts it and is answered with the ones in memory: only the very
/// first reader waits for a computation, so a refresh (a few hundred milliseconds on a busy server) never holds up
/// the readers behind it.
/// </remarks>
public sealed partial class Trends(Db db, TimeProvider time, IOptions<PinholeOptions> options, IHostApplicationLifetime lifetime, ILogger<Trends> logger)
{
    public const int Size = 40;

    private readonly Lock _lock = new();
    private Snapshot? _current;
    private Task<Snapshot>? _refreshing;

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
        var current = _current;
        if (current is not null && time.GetUtcNow() - current.At < TimeSpan.FromSeconds(options.Value.Trends.RefreshSeconds))
            return current;
        var refreshing = Refresh();
        return current ?? await refreshing.WaitAsync(cancellationToken);
    }

    /// <summary>The refresh under way, or a new one: never two at once.</summary>
    private Task<Snapshot> Refresh()
    {
        lock (_lock)
        {
            if (_refreshing is { IsCompleted: false } running)
                return running;
            return _refreshing = Task.Run(async () =>
            {
                try
                {
                    return _current = await ComputeAsync(lifetime.ApplicationStopping);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The trends in memory stay until a later reader tries again.
                    LogRefreshFailed(logger, e);
                    throw;
                }
            }, CancellationToken.None);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Computing the trends failed")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
