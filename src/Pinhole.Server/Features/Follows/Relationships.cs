using System.Data.Common;
using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Follows;

/// <summary>The viewer's relationship to each of a set of accounts, in two queries whatever their number.</summary>
public static class Relationships
{
    private sealed class FollowRow
    {
        public long AccountId { get; init; }
        public long TargetAccountId { get; init; }
        public bool ShowReblogs { get; init; }
        public bool Notify { get; init; }
    }

    public static async Task<IReadOnlyList<Relationship>> LoadAsync(DbConnection connection, long viewer, IReadOnlyList<long> targets, CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
            return [];
        var rows = (await connection.QueryAsync<FollowRow>(connection.Command(
            """
            SELECT account_id, target_account_id, show_reblogs, notify FROM follows WHERE account_id = @viewer AND target_account_id IN @targets
            UNION ALL
            SELECT account_id, target_account_id, show_reblogs, notify FROM follows WHERE target_account_id = @viewer AND account_id IN @targets
            """,
            new { viewer, targets }, cancellationToken: cancellationToken))).ToList();
        var following = rows.Where(r => r.AccountId == viewer).ToDictionary(r => r.TargetAccountId);
        var followedBy = rows.Where(r => r.TargetAccountId == viewer).Select(r => r.AccountId).ToHashSet();
        return targets.Distinct().Select(target =>
        {
            var follow = following.GetValueOrDefault(target);
            return new Relationship
            {
                Id = target.ToString(CultureInfo.InvariantCulture),
                Following = follow is not null,
                ShowingReblogs = follow?.ShowReblogs ?? false,
                Notifying = follow?.Notify ?? false,
                FollowedBy = followedBy.Contains(target),
            };
        }).ToList();
    }
}
