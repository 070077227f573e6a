using System.Data.Common;
using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Notifications;

/// <summary>
/// Reads a person's notifications as they should see them now: nothing from accounts they block, nothing from
/// accounts they muted with notifications, and nothing about a post they can no longer see.
/// </summary>
public sealed class NotificationViews(AccountViews accounts, StatusViews statuses)
{
    public sealed class Row
    {
        public const string Columns = "n.id, n.type, n.from_account_id, n.status_id, n.submission_id, n.created_at";

        public long Id { get; init; }
        public string Type { get; init; } = "";
        public long FromAccountId { get; init; }
        public long? StatusId { get; init; }
        public long? SubmissionId { get; init; }
        public long CreatedAt { get; init; }
    }

    /// <summary>SQL conditions over <c>notifications n</c> for <c>@viewer</c> at <c>@now</c>, each starting with AND.</summary>
    public static string Shown =>
        $"""
         AND n.account_id = @viewer
         AND NOT EXISTS (SELECT 1 FROM blocks nb WHERE nb.account_id = @viewer AND nb.target_account_id = n.from_account_id)
         AND NOT EXISTS (SELECT 1 FROM mutes nm WHERE nm.account_id = @viewer AND nm.target_account_id = n.from_account_id
                         AND nm.hide_notifications = TRUE AND (nm.expires_at IS NULL OR nm.expires_at > @now))
         AND (n.status_id IS NULL OR EXISTS (SELECT 1 FROM statuses s WHERE s.id = n.status_id AND {VisibleTo.Viewer("s")}))
        """;

    /// <summary>
    /// The filters a client asked for: <c>types[]</c>, <c>exclude_types[]</c> and <c>account_id</c>, as SQL
    /// conditions starting with AND, their parameters added to <paramref name="parameters"/>.
    /// </summary>
    public static string Requested(RequestParams query, DynamicParameters parameters)
    {
        var conditions = "";
        var types = query.List("types");
        if (types.Count > 0)
        {
            conditions += " AND n.type IN @types";
            parameters.Add("types", types.ToArray());
        }
        else
        {
            conditions += $" AND n.type NOT LIKE '{NotificationTypes.PinholePrefix}%'";
        }
        var excluded = query.List("exclude_types");
        if (excluded.Count > 0)
        {
            conditions += " AND n.type NOT IN @excluded";
            parameters.Add("excluded", excluded.ToArray());
        }
        if (query.Id("account_id") is { } from)
        {
            conditions += " AND n.from_account_id = @from";
            parameters.Add("from", from);
        }
        return conditions;
    }

    /// <param name="filters">The viewer's filters of the notifications context: the posts they match carry <c>filtered</c>.</param>
    public async Task<IReadOnlyList<Notification>> RenderAsync(DbConnection connection, long viewer, IReadOnlyList<Row> rows, CancellationToken cancellationToken,
        FilterScope? filters = null)
    {
        var people = await accounts.LoadAsync(connection, rows.Select(r => r.FromAccountId), cancellationToken);
        var posts = (await statuses.RenderAsync(connection, viewer, rows.Where(r => r.StatusId is not null).Select(r => r.StatusId!.Value).Distinct().ToList(), cancellationToken, filters))
            .ToDictionary(s => long.Parse(s.Id, CultureInfo.InvariantCulture));
        return rows
            .Where(r => people.ContainsKey(r.FromAccountId) && (r.StatusId is null || posts.ContainsKey(r.StatusId.Value)))
            .Select(r => new Notification
            {
                Id = r.Id.ToString(CultureInfo.InvariantCulture),
                Type = r.Type,
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt),
                GroupKey = $"ungrouped-{r.Id.ToString(CultureInfo.InvariantCulture)}",
                Account = people[r.FromAccountId],
                Status = r.StatusId is { } statusId ? posts[statusId] : null,
                Pinhole = r.SubmissionId is { } submission ? new NotificationExtension(submission.ToString(CultureInfo.InvariantCulture)) : null,
            })
            .ToList();
    }
}
