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
