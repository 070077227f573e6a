using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Pinhole.Bench.Dataset;
using Pinhole.Data;

namespace Pinhole.Bench.Explain;

/// <summary>
/// <c>explain</c>: the query plans of the server's hot queries (<see cref="ServerSql"/>), each with how long it
/// takes run on its own. The home timeline's work grows with how much the accounts one follows post, so its typical
/// user is the median by that (posts by followed accounts), and its heaviest user the maximum; notifications take
/// the median and the most notified recipient; search takes the median and the most frequent word of the posts'
/// vocabulary by how many posts match it.
/// </summary>
public static class ExplainCommand
{
    public const string Usage =
        """
        explain --provider sqlite --data-dir DIR | --provider postgres --connection CS
                [--tag pyongyang] [--repeat 50] [--home-sweep]
          EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (ANALYZE, BUFFERS) (PostgreSQL) of the home and tag timelines,
          and where the dataset has them (generate --social) of notifications, search and the trends refresh;
          with their median and p90 times over --repeat runs.
          --home-sweep: also time every account's home page query as the server runs it (six hours, then two
            days, then the whole history, until one holds a page), and print how that time is spread:
            overall, by whether the account follows tags, mutes or blocks anyone, and by the fallback.
        """;

    private sealed class Viewer
    {
        public long Id { get; init; }
        public int FollowingCount { get; init; }
        public long FollowedPosts { get; init; }
    }

    private const string ViewersByFollowedPosts =
        """
        SELECT f.account_id AS id, COUNT(*) AS following_count, SUM(a.statuses_count) AS followed_posts
        FROM follows f JOIN accounts a ON a.id = f.target_account_id
        GROUP BY f.account_id
        """;

    private sealed class Recipient
    {
        public long Id { get; init; }
        public long Notifications { get; init; }
    }

    private sealed record Query(string Title, string Sql, object Parameters);

    public static async Task<int> RunAsync(CommandLine args, CancellationToken cancellationToken)
    {
        var provider = GenerateCommand.ParseProvider(args.RequiredText("provider"));
        var target = provider == DatabaseProvider.Sqlite
            ? Path.Combine(args.RequiredText("data-dir"), "pinhole.db")
            : args.RequiredText("connection");
        var tag = args.Text("tag") ?? Vocabulary.BenchmarkTag;
        var repeat = args.Whole("repeat", 50);
        var homeSweep = args.Flag("home-sweep");
        args.RejectUnknown();
        if (provider == DatabaseProvider.Sqlite && !File.Exists(target))
            throw new UsageException($"{target} does not exist; run generate first.");

        await using var db = provider == DatabaseProvider.Sqlite ? Db.Sqlite(target) : Db.Postgres(target);
        await using var connection = await db.OpenAsync(cancellationToken);
        var sqlite = db.Dialect.IsSqlite;
        var now = DateTimeOffset.UtcNow;
        async Task<List<T>> ListAsync<T>(string sql, object? parameters = null) =>
            (await connection.QueryAsync<T>(connection.Command(sql, parameters, cancellationToken: cancellationToken))).ToList();

        var viewers = (await ListAsync<Viewer>(ViewersByFollowedPosts)).OrderBy(v => v.FollowedPosts).ThenBy(v => v.Id).ToList();
        if (viewers.Count == 0)
            throw new UsageException("Nobody follows anybody in this database.");
        var typical = viewers[viewers.Count / 2];
        var heaviest = viewers[^1];
        var tagId = (await ListAsync<long>("SELECT id FROM tags WHERE name = @tag", new { tag })).Cast<long?>().FirstOrDefault()
            ?? throw new UsageException($"No tag named {tag} in this database.");
        var username = (await ListAsync<string>("SELECT username_key FROM accounts WHERE id = @id", new { id = typical.Id }))[0];
        var prefix = username[..Math.Min(3, username.Length)];

        var firstWindow = ServerSql.HomeWindows[0];
        object Parameters(long viewer, object? extra = null)
        {
            var parameters = new DynamicParameters(new
            {
                viewer, now = now.ToUnixTimeMilliseconds(), tagId, page_limit = 20,
                page_window_id = ServerSql.LowestIdAt(now - firstWindow),
            });
            if (extra is not null)
                parameters.AddDynamicParams(extra);
            return parameters;
        }

        async Task<Query> HomeAsync(string title, long viewer, bool window)
        {
            var (sql, tags, _) = await HomeQueryAsync(connection, sqlite, viewer, window, cancellationToken);
            return new(title, sql, Parameters(viewer, tags));
        }

        var queries = new List<Query>
        {
            await HomeAsync($"Home timeline, typical user (account {typical.Id}: follows {typical.FollowingCount}, who posted {typical.FollowedPosts} statuses), first try: the last {firstWindow.TotalHours:F0} hours",
                typical.Id, window: true),
            await HomeAsync("The same user, without a window (what the server runs when the windows hold less than a page)", typical.Id, window: false),
            await HomeAsync($"Home timeline, heaviest user (account {heaviest.Id}: follows {heaviest.FollowingCount}, who posted {heaviest.FollowedPosts} statuses), the last {firstWindow.TotalHours:F0} hours",
                heaviest.Id, window: true),
            new($"Tag timeline #{tag} (tag id {tagId}), viewer {typical.Id}", ServerSql.Tag, Parameters(typical.Id)),
        };

        var social = (await ListAsync<long>("SELECT COUNT(*) FROM notifications"))[0] > 0;
        if (social)
        {
            // A home reader who follows the benchmark tag: home then also reads that tag's public posts.
            var tagFollowers = (await ListAsync<long>("SELECT account_id FROM tag_follows WHERE tag_id = @tagId", new { tagId })).ToHashSet();
            var byTag = viewers.Where(v => tagFollowers.Contains(v.Id)).ToList();
            if (byTag.Count > 0)
            {
                var reader = byTag[byTag.Count / 2];
                var followedTags = (await ListAsync<long>("SELECT COUNT(*) FROM tag_follows WHERE account_id = @id", new { id = reader.Id }))[0];
                queries.Add(await HomeAsync($"Home timeline, a typical follower of #{tag} (account {reader.Id}: follows {reader.FollowingCount} accounts, who posted {reader.FollowedPosts} statuses, and {followedTags} tags), the last {firstWindow.TotalHours:F0} hours",
                    reader.Id, window: true));
            }

            var recipients = (await ListAsync<Recipient>("SELECT account_id AS id, COUNT(*) AS notifications FROM notifications GROUP BY account_id"))
                .OrderBy(r => r.Notifications).ThenBy(r => r.Id).ToList();
            foreach (var (who, recipient) in new[] { ("typical", recipients[recipients.Count / 2]), ("most notified", recipients[^1]) })
            {
                queries.Add(new($"Notifications, {who} recipient (account {recipient.Id}: {recipient.Notifications} notifications), default page (40)",
                    ServerSql.Notifications, Parameters(recipient.Id, new { page_limit = 40 })));
            }

            // How many posts each word of the vocabulary finds (as the server matches it: as a prefix).
            var countSql = sqlite
                ? "SELECT COUNT(*) FROM statuses_fts WHERE statuses_fts MATCH @match"
                : "SELECT COUNT(*) FROM statuses s WHERE s.search @@ to_tsquery('simple', @match)";
            var matches = new List<(string Word, long Posts)>();
            foreach (var word in Vocabulary.Words.Distinct())
                matches.Add((word, (await ListAsync<long>(countSql, new { match = ServerSql.SearchMatch(sqlite, word) }))[0]));
            matches.Sort((a, b) => a.Posts.CompareTo(b.Posts));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Search: the {matches.Count} words of the posts' vocabulary, as prefixes, match: least {matches[0].Posts} posts (\"{matches[0].Word}\"), " +
                $"median {matches[matches.Count / 2].Posts} (\"{matches[matches.Count / 2].Word}\"), p90 {matches[matches.Count * 9 / 10].Posts}, most {matches[^1].Posts} (\"{matches[^1].Word}\")."));
            Console.WriteLine();
            foreach (var (which, (word, posts)) in new[] { ("median", matches[matches.Count / 2]), ("most frequent", matches[^1]) })
            {
                queries.Add(new($"Search statuses, the {which} word \"{word}\" ({posts} posts contain a word starting with it), viewer {typical.Id}",
                    ServerSql.SearchStatuses(sqlite), Parameters(typical.Id, new { match = ServerSql.SearchMatch(sqlite, word), limit = 20, offset = 0 })));
            }
            queries.Add(new($"Search accounts \"{prefix}\" (the first letters of a username), viewer {typical.Id}",
                ServerSql.SearchAccounts, Parameters(typical.Id, new { prefix, end = ServerSql.PrefixEnd(prefix), limit = 20, offset = 0 })));
            queries.Add(new("Trends refresh 1 of 2: public tagged posts of the seven-day tag history",
                ServerSql.TrendingTagUses, new { since = ServerSql.TagHistorySince(now) }));
            queries.Add(new("Trends refresh 2 of 2: the last day's public posts by interactions",
                ServerSql.TrendingStatuses, new { dayAgo = ServerSql.LowestIdAt(now.AddDays(-1)), limit = 40 }));
        }

        foreach (var (title, sql, parameters) in queries)
        {
            Console.WriteLine($"### {title}");
            Console.WriteLine();
            Console.WriteLine("```sql");
            Console.WriteLine(sql.Trim());
            Console.WriteLine("```");
            Console.WriteLine();
            Console.WriteLine("```");
            Console.Write(sqlite
                ? await SqlitePlanAsync(connection, sql, parameters, cancellationToken)
                : await PostgresPlanAsync(connection, sql, parameters, cancellationToken));
            Console.WriteLine("```");
            var (rows, median, p90) = await TimeAsync(connection, sql, parameters, repeat, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rows} rows; run alone {repeat} times: median {median:F2} ms, p90 {p90:F2} ms"));
            Console.WriteLine();
        }
        if (homeSweep)
            await HomeSweepAsync(connection, sqlite, now, cancellationToken);
        return 0;
    }

    private sealed class SweepAccount
    {
        public long Id { get; init; }
        public long FollowedTags { get; init; }
        public long Mutes { get; init; }
        public long Blocks { get; init; }
    }

    /// <summary>
    /// The server's home query for a viewer as it sends it: their followed tags' ids first (SQLite reads each tag
    /// apart), then the query for that many tags.
    /// </summary>
    private static async Task<(string Sql, DynamicParameters Tags, int TagCount)> HomeQueryAsync(
        DbConnection connection, bool sqlite, long viewer, bool window, CancellationToken cancellationToken)
    {
        var tags = sqlite
            ? (await connection.QueryAsync<long>(connection.Command(
                $"SELECT tag_id FROM tag_follows WHERE account_id = @viewer ORDER BY tag_id LIMIT {ServerSql.SeparateTagsLimit + 1}",
                new { viewer }, cancellationToken: cancellationToken))).ToList()
            : [];
        var parameters = new DynamicParameters();
        for (var i = 0; i < tags.Count && tags.Count <= ServerSql.SeparateTagsLimit; i++)
            parameters.Add(ServerSql.FollowedTag(i), tags[i]);
        return (ServerSql.Home(sqlite, window, tags.Count), parameters, tags.Count);
    }

    /// <summary>
    /// Every account's first home page, as the load asks for it (any account, uniformly) and as the server reads it
    /// (Timeline.ReadAsync: six hours, then two days, then the whole history, until one holds a page):
    /// the SQL's share of a home request, per account, and where the expensive accounts are.
    /// </summary>
    private static async Task HomeSweepAsync(DbConnection connection, bool sqlite, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var social = await TableExistsAsync(connection, sqlite, "tag_follows", cancellationToken);
        var accounts = (await connection.QueryAsync<SweepAccount>(connection.Command(social
            ? """
              SELECT a.id,
                     (SELECT COUNT(*) FROM tag_follows t WHERE t.account_id = a.id) AS followed_tags,
                     (SELECT COUNT(*) FROM mutes m WHERE m.account_id = a.id AND (m.expires_at IS NULL OR m.expires_at > @now)) AS mutes,
                     (SELECT COUNT(*) FROM blocks b WHERE b.account_id = a.id) AS blocks
              FROM accounts a ORDER BY a.id
              """
            : "SELECT a.id, 0 AS followed_tags, 0 AS mutes, 0 AS blocks FROM accounts a ORDER BY a.id",
            new { now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken))).ToList();
        object Parameters(long viewer, DynamicParameters tags, TimeSpan? window)
        {
            var parameters = new DynamicParameters(new
            {
                viewer, now = now.ToUnixTimeMilliseconds(), page_limit = 20,
                page_window_id = window is { } w ? ServerSql.LowestIdAt(now - w) : 0,
            });
            parameters.AddDynamicParams(tags);
            return parameters;
        }
        // The windows in turn, then the whole history, until one holds a page (Timeline.ReadAsync).
        async Task<bool> ReadAsync(long viewer)
        {
            var (windowSql, tags, tagCount) = await HomeQueryAsync(connection, sqlite, viewer, window: true, cancellationToken);
            foreach (var window in ServerSql.HomeWindows)
            {
                var rows = (await connection.QueryAsync<long>(connection.Command(windowSql, Parameters(viewer, tags, window), cancellationToken: cancellationToken))).Count();
                if (rows >= 20)
                    return false;
            }
            var wholeSql = ServerSql.Home(sqlite, window: false, tagCount);
            await connection.QueryAsync<long>(connection.Command(wholeSql, Parameters(viewer, tags, null), cancellationToken: cancellationToken));
            return true;
        }
        // One pass to warm caches (and the JIT), then the timed pass.
        foreach (var account in accounts.Take(500))
            await ReadAsync(account.Id);
        var timed = new List<(SweepAccount Account, double Ms, bool Fallback)>(accounts.Count);
        foreach (var account in accounts)
        {
            var start = Stopwatch.GetTimestamp();
            var fallback = await ReadAsync(account.Id);
            timed.Add((account, Stopwatch.GetElapsedTime(start).TotalMilliseconds, fallback));
        }

        var total = timed.Sum(t => t.Ms);
        string Line(string what, IEnumerable<(SweepAccount Account, double Ms, bool Fallback)> group)
        {
            var times = group.Select(t => t.Ms).OrderBy(t => t).ToList();
            if (times.Count == 0)
                return $"| {what} | 0 | | | | | | |";
            double At(double q) => times[Math.Min(times.Count - 1, (int)(times.Count * q))];
            return string.Create(CultureInfo.InvariantCulture,
                $"| {what} | {times.Count:N0} | {times.Average():F2} | {At(0.5):F2} | {At(0.9):F2} | {At(0.99):F2} | {times[^1]:F1} | {100 * times.Sum() / total:F0}% |");
        }
        Console.WriteLine("### Home sweep: every account's first home page query, as the server runs it");
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"The six-hour window first, then two days, then the whole history, until one holds 20 posts; one connection, one account after another; {total / 1000:F1} s in all."));
        Console.WriteLine();
        Console.WriteLine("| accounts | count | mean ms | p50 | p90 | p99 | max | share of all the time |");
        Console.WriteLine("|---|--:|--:|--:|--:|--:|--:|--:|");
        Console.WriteLine(Line("all", timed));
        Console.WriteLine(Line("a window held a page", timed.Where(t => !t.Fallback)));
        Console.WriteLine(Line("fell back to the whole history", timed.Where(t => t.Fallback)));
        if (social)
        {
            Console.WriteLine(Line("following tags", timed.Where(t => t.Account.FollowedTags > 0)));
            Console.WriteLine(Line("following no tag", timed.Where(t => t.Account.FollowedTags == 0)));
            Console.WriteLine(Line("muting someone (mute in force)", timed.Where(t => t.Account.Mutes > 0)));
            Console.WriteLine(Line("blocking someone", timed.Where(t => t.Account.Blocks > 0)));
            Console.WriteLine(Line("neither muting nor blocking", timed.Where(t => t.Account.Mutes == 0 && t.Account.Blocks == 0)));
        }
        Console.WriteLine();
    }

    private static async Task<bool> TableExistsAsync(DbConnection connection, bool sqlite, string table, CancellationToken cancellationToken) =>
        await connection.ExecuteScalarAsync<long>(connection.Command(sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = @table"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = @table",
            new { table }, cancellationToken: cancellationToken)) > 0;

    private sealed class PlanRow
    {
        public long Id { get; init; }
        public long Parent { get; init; }
        public string Detail { get; init; } = "";
    }

    private static async Task<string> SqlitePlanAsync(DbConnection connection, string sql, object parameters, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<PlanRow>(connection.Command("EXPLAIN QUERY PLAN " + sql, parameters, cancellationToken: cancellationToken))).ToList();
        var depth = new Dictionary<long, int> { [0] = -1 };
        var plan = new StringBuilder();
        foreach (var row in rows)
        {
            depth[row.Id] = depth.GetValueOrDefault(row.Parent, -1) + 1;
            plan.Append(' ', 2 * depth[row.Id]).Append("- ").AppendLine(row.Detail);
        }
        return plan.ToString();
    }

    private static async Task<string> PostgresPlanAsync(DbConnection connection, string sql, object parameters, CancellationToken cancellationToken)
    {
        var lines = await connection.QueryAsync<string>(connection.Command("EXPLAIN (ANALYZE, BUFFERS) " + sql, parameters, cancellationToken: cancellationToken));
        return string.Join('\n', lines) + "\n";
    }

    private static async Task<(int Rows, double Median, double P90)> TimeAsync(DbConnection connection, string sql, object parameters, int repeat, CancellationToken cancellationToken)
    {
        var times = new List<double>();
        var rows = 0;
        for (var i = 0; i < repeat; i++)
        {
            var start = Stopwatch.GetTimestamp();
            rows = (await connection.QueryAsync(connection.Command(sql, parameters, cancellationToken: cancellationToken))).Count();
            times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }
        times.Sort();
        return (rows, times[times.Count / 2], times[Math.Min(times.Count - 1, (int)(times.Count * 0.9))]);
    }
}
