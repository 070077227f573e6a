using System.Text.Json.Serialization;

namespace Pinhole.Bench.Dataset;

/// <summary>What a generated dataset looks like, in the numbers docs/benchmarks.md quotes.</summary>
public sealed record DatasetSummary
{
    public int Seed { get; init; }
    public DateTimeOffset GeneratedAt { get; init; }
    public int Accounts { get; init; }
    public int Follows { get; init; }
    public int Statuses { get; init; }
    public int Originals { get; init; }
    public int Replies { get; init; }
    public int Reblogs { get; init; }
    public int Public { get; init; }
    public int Unlisted { get; init; }
    public int Private { get; init; }
    public int TaggedStatuses { get; init; }
    public int TagUses { get; init; }
    public int TagsUsed { get; init; }
    public int Mentions { get; init; }
    public required string BenchmarkTag { get; init; }
    public int BenchmarkTagStatuses { get; init; }
    public int BenchmarkTagPublicStatuses { get; init; }
    public required Distribution Followers { get; init; }
    public required Distribution Following { get; init; }
    public required Distribution StatusesPerAccount { get; init; }
    public int AccountsWithOver1000Followers { get; init; }
    public int AccountsFollowingNobody { get; init; }
    public int AccountsWithoutPosts { get; init; }
    /// <summary>What <c>--social</c> added; null for the core dataset.</summary>
    public SocialSummary? Social { get; init; }

    public static DatasetSummary Of(DatasetShape shape, DatasetRows rows)
    {
        var tagName = rows.Tags.ToDictionary(t => t.Id, t => t.Name);
        var benchmarkTagStatuses = rows.StatusTags.Where(t => tagName[t.TagId] == Vocabulary.BenchmarkTag).Select(t => t.StatusId).ToHashSet();
        return new DatasetSummary
        {
            Seed = shape.Seed,
            GeneratedAt = shape.Now,
            Accounts = rows.Accounts.Count,
            Follows = rows.Follows.Count,
            Statuses = rows.Statuses.Count,
            Originals = rows.Statuses.Count(s => s.ReblogOfId is null && s.InReplyToId is null),
            Replies = rows.Statuses.Count(s => s.InReplyToId is not null),
            Reblogs = rows.Statuses.Count(s => s.ReblogOfId is not null),
            Public = rows.Statuses.Count(s => s.Visibility == 0),
            Unlisted = rows.Statuses.Count(s => s.Visibility == 1),
            Private = rows.Statuses.Count(s => s.Visibility == 2),
            TaggedStatuses = rows.StatusTags.Select(t => t.StatusId).Distinct().Count(),
            TagUses = rows.StatusTags.Count,
            TagsUsed = rows.Tags.Count,
            Mentions = rows.Mentions.Count,
            BenchmarkTag = Vocabulary.BenchmarkTag,
            BenchmarkTagStatuses = benchmarkTagStatuses.Count,
            BenchmarkTagPublicStatuses = rows.Statuses.Count(s => s.Visibility == 0 && benchmarkTagStatuses.Contains(s.Id)),
            Followers = Distribution.Of(rows.Accounts.Select(a => a.FollowersCount)),
            Following = Distribution.Of(rows.Accounts.Select(a => a.FollowingCount)),
            StatusesPerAccount = Distribution.Of(rows.Accounts.Select(a => a.StatusesCount)),
            AccountsWithOver1000Followers = rows.Accounts.Count(a => a.FollowersCount > 1000),
            AccountsFollowingNobody = rows.Accounts.Count(a => a.FollowingCount == 0),
            AccountsWithoutPosts = rows.Accounts.Count(a => a.StatusesCount == 0),
            Social = shape.Social.IsEmpty ? null : SocialSummary.Of(shape, rows),
        };
    }
}

public sealed record SocialSummary
{
    public int Blocks { get; init; }
    public int Mutes { get; init; }
    public int MutesOfFollowedAccounts { get; init; }
    public int MutesKeepingNotifications { get; init; }
    public int MutesExpired { get; init; }
    public int MutesExpiring { get; init; }
    public int AccountsMuting { get; init; }
    public int Favourites { get; init; }
    public int Notifications { get; init; }
    public required IReadOnlyDictionary<string, int> NotificationsByType { get; init; }
    public int AccountsWithNotifications { get; init; }
    /// <summary>Among the accounts with any.</summary>
    public required Distribution NotificationsPerRecipient { get; init; }
    public double OldestNotificationDaysAgo { get; init; }
    public int NotificationsInLastDay { get; init; }
    public int TagFollows { get; init; }
    public int TagFollowers { get; init; }
    public required IReadOnlyDictionary<string, int> FollowersByTag { get; init; }

    public static SocialSummary Of(DatasetShape shape, DatasetRows rows)
    {
        var now = shape.Now.ToUnixTimeMilliseconds();
        var follows = rows.Follows.Select(f => (f.AccountId, f.TargetAccountId)).ToHashSet();
        var perRecipient = rows.Notifications.GroupBy(n => n.AccountId).Select(g => g.Count()).ToList();
        var tagName = rows.Tags.ToDictionary(t => t.Id, t => t.Name);
        return new SocialSummary
        {
            Blocks = rows.Blocks.Count,
            Mutes = rows.Mutes.Count,
            MutesOfFollowedAccounts = rows.Mutes.Count(m => follows.Contains((m.AccountId, m.TargetAccountId))),
            MutesKeepingNotifications = rows.Mutes.Count(m => !m.HideNotifications),
            MutesExpired = rows.Mutes.Count(m => m.ExpiresAt <= now),
            MutesExpiring = rows.Mutes.Count(m => m.ExpiresAt > now),
            AccountsMuting = rows.Mutes.Select(m => m.AccountId).Distinct().Count(),
            Favourites = rows.Favourites.Count,
            Notifications = rows.Notifications.Count,
            NotificationsByType = rows.Notifications.GroupBy(n => n.Type).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
            AccountsWithNotifications = perRecipient.Count,
            NotificationsPerRecipient = Distribution.Of(perRecipient),
            OldestNotificationDaysAgo = rows.Notifications.Count == 0 ? 0 : Math.Round((now - rows.Notifications.Min(n => n.CreatedAt)) / 86_400_000.0, 1),
            NotificationsInLastDay = rows.Notifications.Count(n => n.CreatedAt > now - 86_400_000),
            TagFollows = rows.TagFollows.Count,
            TagFollowers = rows.TagFollows.Select(t => t.AccountId).Distinct().Count(),
            FollowersByTag = rows.TagFollows.GroupBy(t => tagName[t.TagId]).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
        };
    }
}

public sealed record Distribution(double Mean, int Median, int P90, int P99, int Max)
{
    public static Distribution Of(IEnumerable<int> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return new Distribution(0, 0, 0, 0, 0);
        int At(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return new Distribution(Math.Round(sorted.Average(), 1), At(0.5), At(0.9), At(0.99), sorted[^1]);
    }

    public override string ToString() => $"mean {Mean}, median {Median}, p90 {P90}, p99 {P99}, max {Max}";
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(DatasetSummary))]
internal sealed partial class DatasetJson : JsonSerializerContext;
