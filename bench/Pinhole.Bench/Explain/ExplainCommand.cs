using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dapper;
using Pinhole.Bench.Dataset;
using Pinhole.Data;

namespace Pinhole.Bench.Explain;

/// <summary>
/// <c>explain</c>: the query plans of the home and tag timelines' page query, with how long each takes run on its
/// own. The home timeline's work grows with how much the accounts one follows post, so its typical user is the
/// median by that (posts by followed accounts), and its heaviest user the maximum.
/// </summary>
public static class ExplainCommand
{
    public const string Usage =
        """
        explain --provider sqlite --data-dir DIR | --provider postgres --connection CS
                [--tag pyongyang] [--repeat 50]
          EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (ANALYZE, BUFFERS) (PostgreSQL) of the timeline queries, and
          their median and p90 times over --repeat runs.
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

    public static async Task<int> RunAsync(CommandLine args, CancellationToken cancellationToken)
    {
        var provider = GenerateCommand.ParseProvider(args.RequiredText("provider"));
        var target = provider == DatabaseProvider.Sqlite
            ? Path.Combine(args.RequiredText("data-dir"), "pinhole.db")
            : args.RequiredText("connection");
        var tag = args.Text("tag") ?? Vocabulary.BenchmarkTag;
        var repeat = args.Whole("repeat", 50);
        args.RejectUnknown();
        if (provider == DatabaseProvider.Sqlite && !File.Exists(target))
            throw new UsageException($"{target} does not exist; run generate first.");

        await using var db = provider == DatabaseProvider.Sqlite ? Db.Sqlite(target) : Db.Postgres(target);
        await using var connection = await db.OpenAsync(cancellationToken);
        var viewers = (await connection.QueryAsync<Viewer>(connection.Command(ViewersByFollowedPosts, cancellationToken: cancellationToken)))
            .OrderBy(v => v.FollowedPosts).ThenBy(v => v.Id).ToList();
        if (viewers.Count == 0)
            throw new UsageException("Nobody follows anybody in this database.");
        var typical = viewers[viewers.Count / 2];
        var heaviest = viewers[^1];
        var tagId = await connection.ExecuteScalarAsync<long?>(connection.Command(
            "SELECT id FROM tags WHERE name = @tag", new { tag }, cancellationToken: cancellationToken))
            ?? throw new UsageException($"No tag named {tag} in this database.");

        var queries = new List<(string Title, string Sql, object Parameters)>
        {
            ($"Home timeline, typical user (account {typical.Id}: follows {typical.FollowingCount}, who posted {typical.FollowedPosts} statuses)",
                TimelineSql.Home, TimelineSql.Parameters(typical.Id, tagId)),
            ($"Home timeline, heaviest user (account {heaviest.Id}: follows {heaviest.FollowingCount}, who posted {heaviest.FollowedPosts} statuses)",
                TimelineSql.Home, TimelineSql.Parameters(heaviest.Id, tagId)),
            ($"Tag timeline #{tag} (tag id {tagId}), viewer {typical.Id}", TimelineSql.Tag, TimelineSql.Parameters(typical.Id, tagId)),
        };
        foreach (var (title, sql, parameters) in queries)
        {
            Console.WriteLine($"### {title}");
            Console.WriteLine();
            Console.WriteLine("```sql");
            Console.WriteLine(sql.Trim());
            Console.WriteLine("```");
            Console.WriteLine();
            Console.WriteLine("```");
            Console.Write(db.Dialect.IsSqlite
                ? await SqlitePlanAsync(connection, sql, parameters, cancellationToken)
                : await PostgresPlanAsync(connection, sql, parameters, cancellationToken));
            Console.WriteLine("```");
            var (rows, median, p90) = await TimeAsync(connection, sql, parameters, repeat, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{rows} rows; run alone {repeat} times: median {median:F2} ms, p90 {p90:F2} ms"));
            Console.WriteLine();
        }
        return 0;
    }

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
