using System.Data.Common;
using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Organizations;

/// <summary>What a member may do: owners everything; editors post, delete any of the organisation's posts and the comments under them, and review; contributors post and delete their own.</summary>
public static class OrganizationRoles
{
    public const string Owner = "owner";
    public const string Editor = "editor";
    public const string Contributor = "contributor";

    public static bool IsValid(string? role) => role is Owner or Editor or Contributor;

    /// <summary>Owners and editors: may delete or edit any post of the organisation, moderate comments and review.</summary>
    public static bool Edits(string role) => role is Owner or Editor;
}

public static class MemberStates
{
    public const string Invited = "invited";
    public const string Active = "active";
}

/// <summary>An active member acting for an organisation, as read in the transaction of the act.</summary>
public sealed class Acting
{
    public long OrganizationId { get; init; }
    public long AccountId { get; init; }
    public string Role { get; init; } = "";
    public bool Credited { get; init; }
    public bool RequiresReview { get; init; }

    /// <summary>A contributor's posts wait for an editor when the organisation asks for review.</summary>
    public bool NeedsReview => RequiresReview && Role == OrganizationRoles.Contributor;
}

/// <summary>
/// Reads who may act for an organisation. Always from the database, inside the transaction of the act and never
/// from a cache: removing a member stops their next request, on every node.
/// </summary>
public static class OrganizationMembers
{
    /// <summary>The <c>Pinhole-Act-As</c> header: the organisation's account id, or null when absent.</summary>
    public const string ActAsHeader = "Pinhole-Act-As";

    public static long? ActAs(HttpRequest request)
    {
        var value = request.Headers[ActAsHeader].ToString().Trim();
        if (value.Length == 0)
            return null;
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw ApiException.Unprocessable($"Validation failed: {ActAsHeader} must be an organisation's account id");
    }

    /// <summary>The caller's active membership of the organisation, or a 403 (not a member, removed, only invited, or no such organisation).</summary>
    public static async Task<Acting> RequireActiveAsync(DbConnection connection, DbTransaction? transaction, long organizationId, long accountId, CancellationToken cancellationToken) =>
        await FindActiveAsync(connection, transaction, organizationId, accountId, cancellationToken)
        ?? throw ApiException.Forbidden("You are not a member of this organisation");

    public static Task<Acting?> FindActiveAsync(DbConnection connection, DbTransaction? transaction, long organizationId, long accountId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<Acting>(connection.Command(
            """
            SELECT m.organization_id, m.account_id, m.role, m.credited, o.requires_review
            FROM organization_members m JOIN organizations o ON o.account_id = m.organization_id
            WHERE m.organization_id = @organizationId AND m.account_id = @accountId AND m.state = 'active'
            """, new { organizationId, accountId }, transaction, cancellationToken));

    /// <summary>How many organisations are waiting for the account to answer their invitation.</summary>
    public static Task<long> CountInvitationsAsync(DbConnection connection, long accountId, CancellationToken cancellationToken) =>
        connection.ExecuteScalarAsync<long>(connection.Command(
            "SELECT COUNT(*) FROM organization_members WHERE account_id = @accountId AND state = 'invited'", new { accountId }, cancellationToken: cancellationToken));

    /// <summary>The membership with one of <paramref name="roles"/>, or a 403.</summary>
    public static async Task<Acting> RequireRoleAsync(DbConnection connection, DbTransaction? transaction, long organizationId, long accountId,
        CancellationToken cancellationToken, params string[] roles)
    {
        var acting = await RequireActiveAsync(connection, transaction, organizationId, accountId, cancellationToken);
        return roles.Contains(acting.Role)
            ? acting
            : throw ApiException.Forbidden($"Only {string.Join(" or ", roles.Select(r => r + "s"))} of this organisation may do that");
    }
}
