using System.Data.Common;
using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Follows;

/// <summary>The viewer's relationship to each of a set of accounts, in one query whatever their number.</summary>
public static class Relationships
{
    private sealed class Edge
    {
        public string Kind { get; init; } = "";
        public long Other { get; init; }
        public bool PrimaryFlag { get; init; }
        public bool SecondaryFlag { get; init; }
        public long? ExpiresAt { get; init; }
    }

    public static async Task<IReadOnlyList<Relationship>> LoadAsync(DbConnection connection, long viewer, IReadOnlyList<long> targets, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (targets.Count == 0)
            return [];
        var edges = (await connection.QueryAsync<Edge>(connection.Command(
            """
            SELECT 'following' AS kind, target_account_id AS other, show_reblogs AS primary_flag, notify AS secondary_flag, CAST(NULL AS BIGINT) AS expires_at
                FROM follows WHERE account_id = @viewer AND target_account_id IN @targets
            UNION ALL SELECT 'followed_by', account_id, FALSE, FALSE, NULL FROM follows WHERE target_account_id = @viewer AND account_id IN @targets
            UNION ALL SELECT 'requested', target_account_id, FALSE, FALSE, NULL FROM follow_requests WHERE account_id = @viewer AND target_account_id IN @targets
            UNION ALL SELECT 'requested_by', account_id, FALSE, FALSE, NULL FROM follow_requests WHERE target_account_id = @viewer AND account_id IN @targets
            UNION ALL SELECT 'blocking', target_account_id, FALSE, FALSE, NULL FROM blocks WHERE account_id = @viewer AND target_account_id IN @targets
            UNION ALL SELECT 'blocked_by', account_id, FALSE, FALSE, NULL FROM blocks WHERE target_account_id = @viewer AND account_id IN @targets
            UNION ALL SELECT 'muting', target_account_id, hide_notifications, FALSE, expires_at FROM mutes
                WHERE account_id = @viewer AND target_account_id IN @targets AND (expires_at IS NULL OR expires_at > @now)
            """,
            new { viewer, targets, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken))).ToLookup(e => e.Other);

        return targets.Distinct().Select(target =>
        {
            var of = edges[target].ToDictionary(e => e.Kind);
            var follow = of.GetValueOrDefault("following");
            var mute = of.GetValueOrDefault("muting");
            return new Relationship
            {
                Id = target.ToString(CultureInfo.InvariantCulture),
                Following = follow is not null,
                ShowingReblogs = follow?.PrimaryFlag ?? false,
                Notifying = follow?.SecondaryFlag ?? false,
                FollowedBy = of.ContainsKey("followed_by"),
                Requested = of.ContainsKey("requested"),
                RequestedBy = of.ContainsKey("requested_by"),
                Blocking = of.ContainsKey("blocking"),
                BlockedBy = of.ContainsKey("blocked_by"),
                Muting = mute is not null,
                MutingNotifications = mute?.PrimaryFlag ?? false,
                MutingExpiresAt = mute?.ExpiresAt is { } expires ? DateTimeOffset.FromUnixTimeMilliseconds(expires) : null,
            };
        }).ToList();
    }
}
