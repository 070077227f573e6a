using System.Data.Common;
using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Features.Places;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Organizations;

/// <summary>A membership row, as selected with <see cref="Columns"/>.</summary>
public sealed class MemberRow
{
    public const string Columns = "m.id, m.organization_id, m.account_id, m.role, m.state, m.credited, m.created_at, m.joined_at";

    public long Id { get; init; }
    public long OrganizationId { get; init; }
    public long AccountId { get; init; }
    public string Role { get; init; } = "";
    public string State { get; init; } = "";
    public bool Credited { get; init; }
    public long CreatedAt { get; init; }
    public long? JoinedAt { get; init; }

    public OrganizationMembership Membership() =>
        new(Role, State, Credited, DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), JoinedAt is { } joined ? DateTimeOffset.FromUnixTimeMilliseconds(joined) : null);
}

public sealed class AuditRow
{
    public const string Columns = "l.id, l.actor_id, l.action, l.target_account_id, l.status_id, l.submission_id, l.detail, l.created_at";

    public long Id { get; init; }
    public long ActorId { get; init; }
    public string Action { get; init; } = "";
    public long? TargetAccountId { get; init; }
    public long? StatusId { get; init; }
    public long? SubmissionId { get; init; }
    public string? Detail { get; init; }
    public long CreatedAt { get; init; }
}

/// <summary>Renders organisations, their members, audit log and review queue, a page at a time.</summary>
public sealed class OrganizationViews(AccountViews accounts, MediaViews media)
{
    private sealed class OrganizationRow
    {
        public long AccountId { get; init; }
        public bool RequiresReview { get; init; }
    }

    /// <summary>The organisations of <paramref name="ids"/>, in that order, each with <paramref name="viewer"/>'s membership if any.</summary>
    public async Task<IReadOnlyList<Organization>> RenderAsync(DbConnection connection, long viewer, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var settings = (await connection.QueryAsync<OrganizationRow>(connection.Command(
            "SELECT account_id, requires_review FROM organizations WHERE account_id IN @ids", new { ids }, cancellationToken: cancellationToken))).ToDictionary(o => o.AccountId);
        var memberships = (await connection.QueryAsync<MemberRow>(connection.Command(
            $"SELECT {MemberRow.Columns} FROM organization_members m WHERE m.account_id = @viewer AND m.organization_id IN @ids",
            new { viewer, ids }, cancellationToken: cancellationToken))).ToDictionary(m => m.OrganizationId);
        var rendered = await accounts.LoadAsync(connection, ids, cancellationToken);
        return ids.Where(id => settings.ContainsKey(id) && rendered.ContainsKey(id))
            .Select(id => new Organization(Id(id), rendered[id], settings[id].RequiresReview, memberships.GetValueOrDefault(id)?.Membership()))
            .ToList();
    }

    public async Task<IReadOnlyList<OrganizationMember>> RenderMembersAsync(DbConnection connection, IReadOnlyList<MemberRow> rows, CancellationToken cancellationToken)
    {
        var people = await accounts.LoadAsync(connection, rows.Select(r => r.AccountId), cancellationToken);
        return rows.Where(r => people.ContainsKey(r.AccountId)).Select(r =>
        {
            var membership = r.Membership();
            return new OrganizationMember(Id(r.Id), people[r.AccountId], r.Role, r.State, r.Credited, membership.InvitedAt, membership.JoinedAt);
        }).ToList();
    }

    public async Task<IReadOnlyList<OrganizationAuditEntry>> RenderAuditAsync(DbConnection connection, IReadOnlyList<AuditRow> rows, CancellationToken cancellationToken)
    {
        var people = await accounts.LoadAsync(connection, rows.SelectMany(r => r.TargetAccountId is { } t ? [r.ActorId, t] : new[] { r.ActorId }), cancellationToken);
        return rows.Where(r => people.ContainsKey(r.ActorId)).Select(r => new OrganizationAuditEntry(
            Id(r.Id), r.Action, DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt), people[r.ActorId],
            r.TargetAccountId is { } target ? people.GetValueOrDefault(target) : null,
            r.StatusId is { } status ? Id(status) : null, r.SubmissionId is { } submission ? Id(submission) : null, r.Detail)).ToList();
    }

    public async Task<IReadOnlyList<OrganizationSubmission>> RenderSubmissionsAsync(DbConnection connection, IReadOnlyList<OrganizationSubmissions.Row> rows, CancellationToken cancellationToken)
    {
        var requests = rows.ToDictionary(r => r.Id, r => r.Request);
        var mediaIds = requests.Values.SelectMany(r => r.MediaIds).Distinct().ToArray();
        var attachments = (await connection.QueryAsync<MediaRow>(connection.Command(
            $"SELECT {MediaRow.Columns} FROM media_attachments m WHERE m.id IN @mediaIds", new { mediaIds }, cancellationToken: cancellationToken))).ToDictionary(m => m.Id);
        var placeIds = requests.Values.Where(r => r.PlaceId is not null).Select(r => r.PlaceId!.Value).Distinct().ToArray();
        var places = (await connection.QueryAsync<PlaceRow>(connection.Command(
            $"SELECT {PlaceRow.Columns} FROM places p WHERE p.id IN @placeIds", new { placeIds }, cancellationToken: cancellationToken))).ToDictionary(p => p.Id);
        var people = await accounts.LoadAsync(connection, rows.Select(r => r.AccountId), cancellationToken);
        return rows.Where(r => people.ContainsKey(r.AccountId)).Select(r =>
        {
            var request = requests[r.Id];
            SubmittedPlace? place = request.Place is { } named ? new SubmittedPlace(null, named.Name, named.Latitude, named.Longitude)
                : request.PlaceId is { } placeId && places.TryGetValue(placeId, out var known) ? new SubmittedPlace(Id(known.Id), known.Name, known.Latitude, known.Longitude)
                : null;
            return new OrganizationSubmission
            {
                Id = Id(r.Id),
                State = r.State,
                Reason = r.Reason,
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(r.CreatedAt),
                OrganizationId = Id(r.OrganizationId),
                Account = people[r.AccountId],
                Text = request.Text ?? "",
                SpoilerText = request.SpoilerText ?? "",
                Visibility = request.Visibility?.Name(),
                Sensitive = request.Sensitive,
                Language = request.Language,
                InReplyToId = request.InReplyToId is { } parent ? Id(parent) : null,
                MediaAttachments = request.MediaIds.Where(attachments.ContainsKey).Select(m => media.Render(attachments[m])).ToList(),
                Place = place,
            };
        }).ToList();
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
