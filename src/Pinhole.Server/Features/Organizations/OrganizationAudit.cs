using System.Data.Common;
using Dapper;
using Pinhole.Data;

namespace Pinhole.Server.Features.Organizations;

/// <summary>The acts recorded in an organisation's audit log.</summary>
public static class AuditActions
{
    public const string Create = "create";
    public const string Post = "post";
    public const string Edit = "edit";
    public const string Delete = "delete";
    public const string Submit = "submit";
    public const string Approve = "approve";
    public const string Reject = "reject";
    public const string Withdraw = "withdraw";
    public const string Invite = "invite";
    public const string Accept = "accept";
    public const string Role = "role";
    public const string Remove = "remove";
    public const string Leave = "leave";
    public const string Settings = "settings";
}

/// <summary>One act, to be written to the audit log.</summary>
public sealed record AuditEntry(long OrganizationId, long ActorId, string Action, long? TargetAccountId = null, long? StatusId = null, long? SubmissionId = null, string? Detail = null);

/// <summary>
/// Writes an organisation's audit log, in the transaction of each act: a post and the record of who made it exist
/// together or not at all. Owners read it whatever the poster chose about credit.
/// </summary>
public sealed class OrganizationAudit(Snowflake ids, TimeProvider time)
{
    public Task RecordAsync(DbConnection connection, DbTransaction transaction, AuditEntry entry, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO organization_audit (id, organization_id, actor_id, action, target_account_id, status_id, submission_id, detail, created_at)
            VALUES (@id, @OrganizationId, @ActorId, @Action, @TargetAccountId, @StatusId, @SubmissionId, @Detail, @now)
            """,
            new { id = ids.NextId(), entry.OrganizationId, entry.ActorId, entry.Action, entry.TargetAccountId, entry.StatusId, entry.SubmissionId, entry.Detail,
                  now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken));
}
