using System.Data.Common;
using System.Text.Json;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Features.Notifications;
using Pinhole.Server.Features.Places;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Organizations;

/// <summary>A contributor's post for an organisation that asks for review: it goes to the review queue instead.</summary>
public sealed class ReviewRequiredException(long organizationId) : Exception("This organisation reviews contributors' posts")
{
    public long OrganizationId { get; } = organizationId;
}

/// <summary>
/// The review queue. A contributor's post waits as the request it was (nothing is in <c>statuses</c>, so it shows
/// nowhere); an editor's approval posts it through the one posting path, at that moment, with everything a post
/// brings (timelines, streams, notifications); a rejection tells the contributor why.
/// </summary>
public sealed class OrganizationSubmissions(Db db, Snowflake ids, TimeProvider time, OrganizationAudit audit, Notifier notifier, PlaceRegistry places, MediaSources sources)
{
    public const string RejectedNotification = "pinhole.submission_rejected";
    public const int MaxReasonLength = 500;

    public sealed class Row
    {
        public const string Columns = "os.id, os.organization_id, os.account_id, os.params, os.state, os.reason, os.created_at";

        public long Id { get; init; }
        public long OrganizationId { get; init; }
        public long AccountId { get; init; }
        public string Params { get; init; } = "{}";
        public string State { get; init; } = "";
        public string? Reason { get; init; }
        public long CreatedAt { get; init; }

        public NewStatus Request => JsonSerializer.Deserialize(Params, MastodonJson.Default.NewStatus)!;
    }

    public Task<long> SubmitAsync(long actor, NewStatus request, CancellationToken cancellationToken) =>
        db.WriteAsync((connection, transaction) => SubmitInAsync(connection, transaction, actor, request, cancellationToken), cancellationToken);

    /// <summary>Queues a post for review (its content was checked on the way in); a retry with the same Idempotency-Key gets the same submission.</summary>
    public async Task<long> SubmitInAsync(DbConnection connection, DbTransaction transaction, long actor, NewStatus request, CancellationToken cancellationToken)
    {
        var organization = request.ActAs ?? throw new InvalidOperationException("A submission is always for an organisation.");
        await OrganizationMembers.RequireActiveAsync(connection, transaction, organization, actor, cancellationToken);
        if (request.IdempotencyKey is { } key && await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
            "SELECT id FROM organization_submissions WHERE account_id = @actor AND idempotency_key = @key", new { actor, key }, transaction, cancellationToken)) is { } earlier)
            return earlier;
        await CheckMediaAsync(connection, transaction, actor, request.MediaIds, cancellationToken);
        if (request.PlaceId is not null)
            await places.ResolveAsync(connection, transaction, actor, request.PlaceId, null, cancellationToken);
        var id = ids.NextId();
        await connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO organization_submissions (id, organization_id, account_id, params, idempotency_key, state, created_at)
            VALUES (@id, @organization, @actor, @json, @key, 'pending', @now);
            INSERT INTO organization_submission_media (submission_id, media_id) SELECT @id, id FROM media_attachments WHERE id IN @mediaIds;
            """,
            new
            {
                id, organization, actor, json = JsonSerializer.Serialize(request, MastodonJson.Default.NewStatus), key = request.IdempotencyKey,
                now = time.GetUtcNow().ToUnixTimeMilliseconds(), mediaIds = request.MediaIds,
            }, transaction, cancellationToken));
        await audit.RecordAsync(connection, transaction, new AuditEntry(organization, actor, AuditActions.Submit, SubmissionId: id), cancellationToken);
        return id;
    }

    /// <summary>An editor or owner approves: the submission becomes the organisation's post, made now, credited to its contributor.</summary>
    public async Task<long> ApproveAsync(long editor, long organization, long submissionId, StatusPosting posting, CancellationToken cancellationToken)
    {
        var statusId = await db.WriteAsync(async (connection, transaction) =>
        {
            await OrganizationMembers.RequireRoleAsync(connection, transaction, organization, editor, cancellationToken, OrganizationRoles.Owner, OrganizationRoles.Editor);
            var row = await ClaimPendingAsync(connection, transaction, organization, submissionId, cancellationToken);
            long id;
            try
            {
                id = await posting.CreateInAsync(connection, transaction, row.AccountId, row.Request, cancellationToken, approved: true);
            }
            catch (MediaPendingException)
            {
                throw ApiException.Unprocessable("Validation failed: its media are still being processed; approve it again in a moment");
            }
            await audit.RecordAsync(connection, transaction, new AuditEntry(organization, editor, AuditActions.Approve, row.AccountId, id, submissionId), cancellationToken);
            return id;
        }, cancellationToken);
        await sources.ReleaseAsync(statusId, cancellationToken);
        return statusId;
    }

    /// <summary>An editor or owner rejects, optionally saying why; the contributor is notified and keeps the submission to read.</summary>
    public Task RejectAsync(long editor, long organization, long submissionId, string? reason, CancellationToken cancellationToken)
    {
        reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
        if (reason?.Length > MaxReasonLength)
            throw ApiException.Unprocessable($"Validation failed: a reason is at most {MaxReasonLength} characters");
        return db.WriteAsync(async (connection, transaction) =>
        {
            await OrganizationMembers.RequireRoleAsync(connection, transaction, organization, editor, cancellationToken, OrganizationRoles.Owner, OrganizationRoles.Editor);
            var contributor = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                """
                UPDATE organization_submissions SET state = 'rejected', reason = @reason, decided_at = @now
                WHERE id = @submissionId AND organization_id = @organization AND state = 'pending'
                RETURNING account_id
                """, new { submissionId, organization, reason, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken))
                ?? throw ApiException.NotFound();
            // Its uploads are no longer held for it: unposted media are swept as usual.
            await connection.ExecuteAsync(connection.Command(
                "DELETE FROM organization_submission_media WHERE submission_id = @submissionId", new { submissionId }, transaction, cancellationToken));
            await notifier.NotifyAsync(connection, transaction, contributor, organization, RejectedNotification, null, cancellationToken, submissionId);
            await audit.RecordAsync(connection, transaction, new AuditEntry(organization, editor, AuditActions.Reject, contributor, SubmissionId: submissionId, Detail: reason), cancellationToken);
        }, cancellationToken);
    }

    /// <summary>The contributor takes back their own submission, waiting or rejected.</summary>
    public Task WithdrawAsync(long contributor, long organization, long submissionId, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var state = await connection.QuerySingleOrDefaultAsync<string>(connection.Command(
                "DELETE FROM organization_submissions WHERE id = @submissionId AND organization_id = @organization AND account_id = @contributor RETURNING state",
                new { submissionId, organization, contributor }, transaction, cancellationToken)) ?? throw ApiException.NotFound();
            if (state == "pending")
                await audit.RecordAsync(connection, transaction, new AuditEntry(organization, contributor, AuditActions.Withdraw, SubmissionId: submissionId), cancellationToken);
        }, cancellationToken);

    private static async Task<Row> ClaimPendingAsync(DbConnection connection, DbTransaction transaction, long organization, long submissionId, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<Row>(connection.Command(
            """
            DELETE FROM organization_submissions WHERE id = @submissionId AND organization_id = @organization AND state = 'pending'
            RETURNING id, organization_id, account_id, params, state, reason, created_at
            """, new { submissionId, organization }, transaction, cancellationToken))
        ?? throw ApiException.NotFound();

    /// <summary>Media must be the contributor's own and not posted or failed; still processing is fine, approval waits for it.</summary>
    private static async Task CheckMediaAsync(DbConnection connection, DbTransaction transaction, long actor, IReadOnlyList<long> mediaIds, CancellationToken cancellationToken)
    {
        if (mediaIds.Count == 0)
            return;
        var usable = (await connection.QueryAsync<long>(connection.Command(
            "SELECT id FROM media_attachments WHERE id IN @mediaIds AND account_id = @actor AND status_id IS NULL AND state <> 'failed'",
            new { mediaIds, actor }, transaction, cancellationToken))).ToHashSet();
        var missing = mediaIds.Where(m => !usable.Contains(m)).ToList();
        if (missing.Count > 0)
            throw ApiException.Unprocessable($"Validation failed: media not found, failed or already posted: {string.Join(", ", missing)}");
    }
}
