using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Pinhole.Data;

namespace Pinhole.Bench.Dataset;

/// <summary>
/// <c>generate</c>: migrates an empty database and fills it with the benchmark dataset, then writes the
/// (account id, token) list the load runner authenticates with and a summary of what was made.
/// </summary>
public static class GenerateCommand
{
    public const string Usage =
        """
        generate --provider sqlite --data-dir DIR | --provider postgres --connection CS --out DIR
                 [--accounts 10000] [--follows 200000] [--posts 300000] [--seed 1]
          SQLite writes DIR/pinhole.db (what the server opens with --Pinhole:DataDir=DIR). Both write
          tokens.tsv (account id, bearer token, following count) and dataset.json to DIR (or --out).
        """;

    public static async Task<int> RunAsync(CommandLine args, CancellationToken cancellationToken)
    {
        var provider = ParseProvider(args.RequiredText("provider"));
        var dataDir = args.Text("data-dir");
        var connectionString = args.Text("connection");
        var outDir = args.Text("out") ?? dataDir ?? throw new UsageException("--out DIR is required with --connection.");
        var shape = new DatasetShape(
            args.Whole("accounts", 10_000), args.Whole("follows", 200_000), args.Whole("posts", 300_000), args.Whole("seed", 1),
            DateTimeOffset.UtcNow);
        args.RejectUnknown();
        shape.Validate();
        var target = provider == DatabaseProvider.Sqlite
            ? Path.Combine(dataDir ?? throw new UsageException("--data-dir is required for SQLite."), "pinhole.db")
            : connectionString ?? throw new UsageException("--connection is required for PostgreSQL.");
        if (provider == DatabaseProvider.Sqlite)
            Directory.CreateDirectory(dataDir!);
        Directory.CreateDirectory(outDir);

        var total = Stopwatch.StartNew();
        var rows = DatasetBuilder.Build(shape);
        Log($"built {rows.Accounts.Count:N0} accounts, {rows.Follows.Count:N0} follows, {rows.Statuses.Count:N0} statuses in memory in {total.Elapsed.TotalSeconds:F1} s");

        await using (var db = await Loaders.OpenAndMigrateAsync(provider, target, cancellationToken))
            await Loaders.LoadAsync(db, rows, Log, cancellationToken);

        var summary = DatasetSummary.Of(shape, rows);
        await File.WriteAllTextAsync(Path.Combine(outDir, "dataset.json"), JsonSerializer.Serialize(summary, DatasetJson.Default.DatasetSummary), cancellationToken);
        await File.WriteAllLinesAsync(Path.Combine(outDir, "tokens.tsv"),
            rows.Accounts.Select(a => string.Create(CultureInfo.InvariantCulture, $"{a.Id}\t{DatasetBuilder.TokenFor(a.Id)}\t{a.FollowingCount}")),
            cancellationToken);
        Log($"done in {total.Elapsed.TotalSeconds:F1} s");
        Log($"followers: {summary.Followers}; following: {summary.Following}; statuses per account: {summary.StatusesPerAccount}");
        Log($"statuses: {summary.Originals:N0} originals, {summary.Replies:N0} replies, {summary.Reblogs:N0} reblogs; " +
            $"{summary.Public:N0} public, {summary.Unlisted:N0} unlisted, {summary.Private:N0} private");
        Log($"tagged statuses: {summary.TaggedStatuses:N0} ({summary.TagUses:N0} uses of {summary.TagsUsed} tags); " +
            $"#{summary.BenchmarkTag}: {summary.BenchmarkTagStatuses:N0} ({summary.BenchmarkTagPublicStatuses:N0} public)");
        return 0;
    }

    public static DatabaseProvider ParseProvider(string name) => name.ToLowerInvariant() switch
    {
        "sqlite" => DatabaseProvider.Sqlite,
        "postgres" or "postgresql" => DatabaseProvider.Postgres,
        _ => throw new UsageException($"--provider must be sqlite or postgres, not '{name}'."),
    };

    private static void Log(string message) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[generate] {message}"));
}
