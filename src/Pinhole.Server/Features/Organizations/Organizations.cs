using System.Data.Common;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Notifications;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Organizations;

/// <summary>
/// Makes organisations and manages who belongs to them. An organisation is made by someone signed in, who becomes
/// its first owner; it has no password and nobody signs in as it — its members act for it from their own accounts,
/// so every act has a person behind it in the audit log, and a removed member loses access at once.
/// </summary>
public sealed class Organizations(Db db, Snowflake ids, TimeProvider time, OrganizationAudit audit, Notifier notifier)
{
    public const string InvitationNotification = "pinhole.organization_invitation";

    public async Task<long> CreateAsync(long creator, string? username, string? displayName, CancellationToken cancellationToken)
    {
        username = username?.Trim() ?? "";
        displayName = displayName?.Trim() ?? "";
        if (!Registration.IsValidUsername(username))
            throw ApiException.Unprocessable("Validation failed: Username must contain only letters, numbers and underscores, at most 30 characters");
        if (displayName.Length > ProfileUpdate.MaxDisplayName)
            throw ApiException.Unprocessable($"Validation failed: Display name is too long (maximum is {ProfileUpdate.MaxDisplayName} characters)");
        var id = ids.NextId();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                "SELECT id FROM accounts WHERE username_key = @key", new { key = username.ToLowerInvariant() }, transaction, cancellationToken)) is not null)
                throw ApiException.Unprocessable("Validation failed: Username has already been taken");
            await connection.ExecuteAsync(connection.Command(
                """
                INSERT INTO accounts (id, username, username_key, display_name, display_name_key, organization, created_at, updated_at)
                VALUES (@id, @username, @usernameKey, @displayName, @displayNameKey, TRUE, @now, @now);
                INSERT INTO organizations (account_id, requires_review, created_at) VALUES (@id, FALSE, @now);
                INSERT INTO organization_members (id, organization_id, account_id, role, state, credited, invited_by, created_at, joined_at)
                VALUES (@memberId, @id, @creator, 'owner', 'active', TRUE, @creator, @now, @now);
                """,
                new { id, username, usernameKey = username.ToLowerInvariant(), displayName, displayNameKey = displayName.ToLowerInvariant(), now, memberId = ids.NextId(), creator },
                transaction, cancellationToken));
            await audit.RecordAsync(connection, transaction, new AuditEntry(id, creator, AuditActions.Create), cancellationToken);
        }, cancellationToken);
        return id;
    }

    /// <summary>
    /// An owner turns review of contributors' posts on or off (the web's switch; the API changes it with the
    /// profile, in one act, on PATCH).
    /// </summary>
    public Task SetReviewAsync(long owner, long organization, bool requiresReview, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await OrganizationMembers.RequireRoleAsync(connection, transaction, organization, owner, cancellationToken, OrganizationRoles.Owner);
            await connection.ExecuteAsync(connection.Command(
                "UPDATE organizations SET requires_review = @requiresReview WHERE account_id = @organization", new { organization, requiresReview }, transaction, cancellationToken));
            await audit.RecordAsync(connection, transaction, new AuditEntry(organization, owner, AuditActions.Settings,
                Detail: $"requires_review={(requiresReview ? "true" : "false")}"), cancellationToken);
        }, cancellationToken);

    /// <summary>An owner invites an existing person with a role; they are a member once they accept.</summary>
    public Task InviteAsync(long owner, long organization, long invitee, string? role, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            await OrganizationMembers.RequireRoleAsync(connection, transaction, organization, owner, cancellationToken, OrganizationRoles.Owner);
            if (!OrganizationRoles.IsValid(role))
                throw ApiException.Unprocessable("Validation failed: role must be owner, editor or contributor");
            // Someone who blocks the organisation or the inviter is, to them, nobody to be found.
            var person = await connection.QuerySingleOrDefaultAsync<bool?>(connection.Command(
                """
                SELECT a.organization FROM accounts a
                WHERE a.id = @invitee AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = a.id AND b.target_account_id IN (@organization, @owner))
                """, new { invitee, organization, owner }, transaction, cancellationToken)) ?? throw ApiException.NotFound();
            if (person)
                throw ApiException.Unprocessable("Validation failed: an organisation cannot be a member of another");
            var state = await connection.QuerySingleOrDefaultAsync<string>(connection.Command(
                "SELECT state FROM organization_members WHERE organization_id = @organization AND account_id = @invitee",
                new { organization, invitee }, transaction, cancellationToken));
            if (state is not null)
                throw ApiException.Unprocessable(state == MemberStates.Active
                    ? "Validation failed: already a member of this organisation"
                    : "Validation failed: already invited to this organisation");
            await connection.ExecuteAsync(connection.Command(
                """
                INSERT INTO organization_members (id, organization_id, account_id, role, state, credited, invited_by, created_at)
                VALUES (@id, @organization, @invitee, @role, 'invited', TRUE, @owner, @now)
                """,
                new { id = ids.NextId(), organization, invitee, role, owner, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken));
            await audit.RecordAsync(connection, transaction, new AuditEntry(organization, owner, AuditActions.Invite, invitee, Detail: role), cancellationToken);
            await notifier.NotifyAsync(connection, transaction, invitee, organization, InvitationNotification, null, cancellationToken);
        }, cancellationToken);

    /// <summary>The invited person joins, choosing whether their name shows on what they post (credited unless they say not).</summary>
    public Task AcceptAsync(long member, long organization, bool? credited, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            if (await connection.ExecuteAsync(connection.Command(
                """
                UPDATE organization_members SET state = 'active', joined_at = @now, credited = COALESCE(@credited, credited)
                WHERE organization_id = @organization AND account_id = @member AND state = 'invited'
                """, new { organization, member, credited, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken)) == 0)
                throw ApiException.NotFound();
            await audit.RecordAsync(connection, transaction, new AuditEntry(organization, member, AuditActions.Accept), cancellationToken);
        }, cancellationToken);

    /// <summary>An owner changes a member's role; a member changes whether they are credited (their own choice alone).</summary>
    public Task ChangeAsync(long caller, long organization, long member, string? role, bool? credited, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var acting = await OrganizationMembers.RequireActiveAsync(connection, transaction, organization, caller, cancellationToken);
            var current = await connection.QuerySingleOrDefaultAsync<string>(connection.Command(
                "SELECT role FROM organization_members WHERE organization_id = @organization AND account_id = @member",
                new { organization, member }, transaction, cancellationToken)) ?? throw ApiException.NotFound();
            if (credited is not null && member != caller)
                throw ApiException.Forbidden("Only the member may choose whether they are credited");
            if (role is not null && role != current)
            {
                if (acting.Role != OrganizationRoles.Owner)
                    throw ApiException.Forbidden("Only owners of this organisation may change roles");
                if (!OrganizationRoles.IsValid(role))
                    throw ApiException.Unprocessable("Validation failed: role must be owner, editor or contributor");
                if (current == OrganizationRoles.Owner)
                    await EnsureAnotherOwnerAsync(connection, transaction, organization, member, cancellationToken);
                await audit.RecordAsync(connection, transaction, new AuditEntry(organization, caller, AuditActions.Role, member, Detail: $"{current} → {role}"), cancellationToken);
            }
            await connection.ExecuteAsync(connection.Command(
                """
                UPDATE organization_members SET role = COALESCE(@role, role), credited = COALESCE(@credited, credited)
                WHERE organization_id = @organization AND account_id = @member
                """, new { organization, member, role, credited }, transaction, cancellationToken));
        }, cancellationToken);

    /// <summary>
    /// An owner removes a member (or withdraws an invitation). It takes effect at once: every act for the
    /// organisation reads the membership in its own transaction. Their posts stay, credited as they were; what they
    /// had waiting for review goes.
    /// </summary>
    public Task RemoveAsync(long owner, long organization, long member, CancellationToken cancellationToken) =>
        member == owner
            ? LeaveAsync(member, organization, cancellationToken)
            : db.WriteAsync(async (connection, transaction) =>
            {
                await OrganizationMembers.RequireRoleAsync(connection, transaction, organization, owner, cancellationToken, OrganizationRoles.Owner);
                if (!await DeleteMembershipAsync(connection, transaction, organization, member, cancellationToken))
                    throw ApiException.NotFound();
                await audit.RecordAsync(connection, transaction, new AuditEntry(organization, owner, AuditActions.Remove, member), cancellationToken);
            }, cancellationToken);

    /// <summary>A member leaves, or an invited person declines. The last owner cannot leave: the organisation would be nobody's.</summary>
    public Task LeaveAsync(long member, long organization, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var role = await connection.QuerySingleOrDefaultAsync<string>(connection.Command(
                "SELECT role FROM organization_members WHERE organization_id = @organization AND account_id = @member AND state = 'active'",
                new { organization, member }, transaction, cancellationToken));
            if (role == OrganizationRoles.Owner)
                await EnsureAnotherOwnerAsync(connection, transaction, organization, member, cancellationToken);
            if (!await DeleteMembershipAsync(connection, transaction, organization, member, cancellationToken))
                throw ApiException.NotFound();
            await audit.RecordAsync(connection, transaction, new AuditEntry(organization, member, AuditActions.Leave), cancellationToken);
        }, cancellationToken);

    private static async Task EnsureAnotherOwnerAsync(DbConnection connection, DbTransaction transaction, long organization, long member, CancellationToken cancellationToken)
    {
        var others = await connection.ExecuteScalarAsync<long>(connection.Command(
            "SELECT COUNT(*) FROM organization_members WHERE organization_id = @organization AND role = 'owner' AND state = 'active' AND account_id <> @member",
            new { organization, member }, transaction, cancellationToken));
        if (others == 0)
            throw ApiException.Unprocessable("Validation failed: the last owner cannot leave or stop being an owner; make someone else an owner first");
    }

    private static async Task<bool> DeleteMembershipAsync(DbConnection connection, DbTransaction transaction, long organization, long member, CancellationToken cancellationToken)
    {
        var parameters = new { organization, member };
        if (await connection.ExecuteAsync(connection.Command(
            "DELETE FROM organization_members WHERE organization_id = @organization AND account_id = @member", parameters, transaction, cancellationToken)) == 0)
            return false;
        await connection.ExecuteAsync(connection.Command(
            "DELETE FROM organization_submissions WHERE organization_id = @organization AND account_id = @member", parameters, transaction, cancellationToken));
        return true;
    }
}
