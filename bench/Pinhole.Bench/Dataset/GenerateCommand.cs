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
                 [--social] [--blocks 0] [--mutes 0] [--notifications 0] [--tag-followers 0]
          SQLite writes DIR/pinhole.db (what the server opens with --Pinhole:DataDir=DIR). Both write
          tokens.tsv (account id, bearer token, following count, notifications received, username) and
          dataset.json to DIR (or --out).
          --social: the social dataset, i.e. --blocks 25000 --mutes 25000 --notifications 100000
            --tag-followers (accounts / 10); each can be given on its own, and overrides --social's value.
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
        var social = args.Flag("social") ? SocialShape.Default(shape.Accounts) : SocialShape.None;
        shape = shape with
        {
            Social = new SocialShape(
                args.Whole("blocks", social.Blocks), args.Whole("mutes", social.Mutes),
                args.Whole("notifications", social.Notifications), args.Whole("tag-followers", social.TagFollowers)),
        };
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
        var notified = rows.Notifications.GroupBy(n => n.AccountId).ToDictionary(g => g.Key, g => g.Count());
        await File.WriteAllLinesAsync(Path.Combine(outDir, "tokens.tsv"),
            rows.Accounts.Select(a => string.Create(CultureInfo.InvariantCulture,
                $"{a.Id}\t{DatasetBuilder.TokenFor(a.Id)}\t{a.FollowingCount}\t{notified.GetValueOrDefault(a.Id)}\t{a.Username}")),
            cancellationToken);
        Log($"done in {total.Elapsed.TotalSeconds:F1} s");
        Log($"followers: {summary.Followers}; following: {summary.Following}; statuses per account: {summary.StatusesPerAccount}");
        Log($"statuses: {summary.Originals:N0} originals, {summary.Replies:N0} replies, {summary.Reblogs:N0} reblogs; " +
            $"{summary.Public:N0} public, {summary.Unlisted:N0} unlisted, {summary.Private:N0} private");
        Log($"tagged statuses: {summary.TaggedStatuses:N0} ({summary.TagUses:N0} uses of {summary.TagsUsed} tags); " +
            $"#{summary.BenchmarkTag}: {summary.BenchmarkTagStatuses:N0} ({summary.BenchmarkTagPublicStatuses:N0} public)");
        if (summary.Social is { } s)
        {
            Log($"blocks: {s.Blocks:N0}; mutes: {s.Mutes:N0} by {s.AccountsMuting:N0} accounts ({s.MutesOfFollowedAccounts:N0} of followed accounts, " +
                $"{s.MutesKeepingNotifications:N0} keeping notifications, {s.MutesExpired:N0} expired, {s.MutesExpiring:N0} expiring); favourites: {s.Favourites:N0}");
            Log($"notifications: {s.Notifications:N0} ({string.Join(", ", s.NotificationsByType.Select(t => $"{t.Key} {t.Value:N0}"))}) " +
                $"to {s.AccountsWithNotifications:N0} accounts, per recipient {s.NotificationsPerRecipient}; oldest {s.OldestNotificationDaysAgo} days ago, {s.NotificationsInLastDay:N0} in the last day");
            Log($"tag follows: {s.TagFollows:N0} by {s.TagFollowers:N0} accounts ({string.Join(", ", s.FollowersByTag.Take(5).Select(t => $"#{t.Key} {t.Value:N0}"))}, …)");
        }
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
