using System.Globalization;
using Pinhole.Data;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Tags;

/// <summary>One public use of a tag: which post, by whom. Post ids carry their time.</summary>
public sealed class TagUse
{
    public long TagId { get; init; }
    public long StatusId { get; init; }
    public long AccountId { get; init; }
}

/// <summary>Turns uses of a tag into Mastodon's seven-day history: uses and distinct people per UTC day, today first.</summary>
public static class TagUsage
{
    public const int Days = 7;

    /// <summary>The lowest post id of the first day the history covers.</summary>
    public static long Since(DateTimeOffset now) => Snowflake.LowestIdAt(new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-(Days - 1)));

    public static IReadOnlyList<TagHistory> History(IEnumerable<TagUse> uses, DateTimeOffset now)
    {
        var today = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        var byDay = uses.GroupBy(u => Snowflake.TimeOf(u.StatusId).UtcDateTime.Date).ToDictionary(g => g.Key, g => g.ToList());
        return Enumerable.Range(0, Days).Select(back =>
        {
            var day = today.AddDays(-back);
            var of = byDay.GetValueOrDefault(day.UtcDateTime.Date) ?? [];
            return new TagHistory(
                day.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                of.Count.ToString(CultureInfo.InvariantCulture),
                of.Select(u => u.AccountId).Distinct().Count().ToString(CultureInfo.InvariantCulture));
        }).ToList();
    }
}
