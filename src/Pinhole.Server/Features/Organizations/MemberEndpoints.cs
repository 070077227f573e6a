using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Organizations;

/// <summary>An organisation's members: owners invite, change roles and remove; people accept, choose credit and leave.</summary>
public static class MemberEndpoints
{
    public static RouteGroupBuilder MapMembers(this RouteGroupBuilder organizations)
    {
        organizations.MapGet("/{id:long}/members", List).RequireScope(Scopes.ReadAccounts);
        organizations.MapPost("/{id:long}/members", Invite).RequireScope(Scopes.WriteAccounts);
        organizations.MapPatch("/{id:long}/members/{accountId:long}", Change).RequireScope(Scopes.WriteAccounts);
        organizations.MapDelete("/{id:long}/members/{accountId:long}", Remove).RequireScope(Scopes.WriteAccounts);
        organizations.MapPost("/{id:long}/accept", Accept).RequireScope(Scopes.WriteAccounts);
        organizations.MapPost("/{id:long}/leave", Leave).RequireScope(Scopes.WriteAccounts);
        return organizations;
    }

    /// <summary>Members and open invitations, for the organisation's members only: who works for it is theirs to tell.</summary>
    public static async Task<Ok<IReadOnlyList<OrganizationMember>>> List(long id, HttpContext http, Caller caller, Db db, OrganizationViews views, CancellationToken cancellationToken)
    {
        var page = Page.From(http.Request, defaultLimit: 40, maxLimit: 80);
        await using var connection = await db.OpenAsync(cancellationToken);
        await OrganizationMembers.RequireActiveAsync(connection, null, id, caller.Account, cancellationToken);
        var rows = page.Newest(await connection.QueryAsync<MemberRow>(connection.Command(
            $"""
            SELECT {MemberRow.Columns} FROM organization_members m
            WHERE m.organization_id = @id {page.Bounds("m.id")} ORDER BY {page.OrderBy("m.id")} LIMIT @page_limit
            """, page.AddTo(new DynamicParameters(new { id })), cancellationToken: cancellationToken)));
        PageLinks.Add(http, rows.FirstOrDefault()?.Id, rows.LastOrDefault()?.Id);
        return TypedResults.Ok(await views.RenderMembersAsync(connection, rows, cancellationToken));
    }

    private static async Task<Ok<OrganizationMember>> Invite(long id, HttpContext http, Caller caller, Organizations organizations, Db db, OrganizationViews views, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var invitee = form.Id("account_id") ?? throw ApiException.Unprocessable("Validation failed: account_id can't be blank");
        await organizations.InviteAsync(caller.Account, id, invitee, form.Text("role") ?? OrganizationRoles.Contributor, cancellationToken);
        return await MemberAsync(db, views, id, invitee, cancellationToken);
    }

    private static async Task<Ok<OrganizationMember>> Change(long id, long accountId, HttpContext http, Caller caller, Organizations organizations, Db db, OrganizationViews views,
        CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        await organizations.ChangeAsync(caller.Account, id, accountId, form.Text("role"), form.Bool("credited"), cancellationToken);
        return await MemberAsync(db, views, id, accountId, cancellationToken);
    }

    private static async Task<Ok<EmptyObject>> Remove(long id, long accountId, Caller caller, Organizations organizations, CancellationToken cancellationToken)
    {
        await organizations.RemoveAsync(caller.Account, id, accountId, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    /// <summary>Accepts an invitation; <c>credited=false</c> keeps one's name off what one posts for the organisation.</summary>
    private static async Task<Ok<OrganizationMember>> Accept(long id, HttpContext http, Caller caller, Organizations organizations, Db db, OrganizationViews views, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        await organizations.AcceptAsync(caller.Account, id, form.Bool("credited"), cancellationToken);
        return await MemberAsync(db, views, id, caller.Account, cancellationToken);
    }

    /// <summary>Leaves (or declines an invitation). The last owner gets a 422.</summary>
    private static async Task<Ok<EmptyObject>> Leave(long id, Caller caller, Organizations organizations, CancellationToken cancellationToken)
    {
        await organizations.LeaveAsync(caller.Account, id, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    private static async Task<Ok<OrganizationMember>> MemberAsync(Db db, OrganizationViews views, long organization, long member, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<MemberRow>(connection.Command(
            $"SELECT {MemberRow.Columns} FROM organization_members m WHERE m.organization_id = @organization AND m.account_id = @member",
            new { organization, member }, cancellationToken: cancellationToken))).ToList();
        var rendered = await views.RenderMembersAsync(connection, rows, cancellationToken);
        return TypedResults.Ok(rendered.Count > 0 ? rendered[0] : throw ApiException.NotFound());
    }
}
