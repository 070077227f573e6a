using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Organizations;

/// <summary>
/// Organisations (Pinhole's extension): accounts that several people post as, each from their own sign-in with
/// the <c>Pinhole-Act-As</c> header, with roles, optional review of contributors' posts, per-person credit and an
/// audit log for the owners.
/// </summary>
public static class OrganizationEndpoints
{
    public static IServiceCollection AddOrganizations(this IServiceCollection services) => services
        .AddSingleton<Organizations>()
        .AddSingleton<OrganizationAudit>()
        .AddSingleton<OrganizationSubmissions>()
        .AddSingleton<OrganizationViews>();

    public static RouteGroupBuilder MapOrganizations(this RouteGroupBuilder api)
    {
        var organizations = api.MapGroup("/v1/pinhole/organizations");
        organizations.MapPost("/", Create).RequireScope(Scopes.WriteAccounts);
        organizations.MapGet("/", Mine).RequireScope(Scopes.ReadAccounts);
        organizations.MapGet("/{id:long}", Get).AllowAnonymous(Scopes.ReadAccounts);
        organizations.MapPatch("/{id:long}", Update).RequireScope(Scopes.WriteAccounts).WithMetadata(AccountEndpoints.ProfileBodyLimit(api));
        organizations.MapGet("/{id:long}/audit", Audit).RequireScope(Scopes.ReadAccounts);
        organizations.MapMembers();
        organizations.MapReview();
        return api;
    }

    /// <summary>Makes an organisation; the caller becomes its first owner. Nobody signs in as it: its members act for it.</summary>
    private static async Task<Ok<Organization>> Create(HttpContext http, Caller caller, Organizations organizations, Db db, OrganizationViews views, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var id = await organizations.CreateAsync(caller.Account, form.Text("username"), form.Text("display_name"), cancellationToken);
        return await RenderAsync(db, views, caller.Account, id, cancellationToken);
    }

    /// <summary>The organisations the caller belongs to or is invited to, newest membership first.</summary>
    public static async Task<Ok<IReadOnlyList<Organization>>> Mine(HttpContext http, Caller caller, Db db, OrganizationViews views, CancellationToken cancellationToken)
    {
        var page = Page.From(http.Request);
        var state = http.Request.Query["state"].ToString();
        if (state.Length > 0 && state is not (MemberStates.Active or MemberStates.Invited))
            throw ApiException.Unprocessable("Validation failed: state must be active or invited");
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = page.Newest(await connection.QueryAsync<MemberRow>(connection.Command(
            $"""
            SELECT {MemberRow.Columns} FROM organization_members m
            WHERE m.account_id = @viewer {(state.Length > 0 ? "AND m.state = @state" : "")} {page.Bounds("m.id")}
            ORDER BY {page.OrderBy("m.id")} LIMIT @page_limit
            """, page.AddTo(new DynamicParameters(new { viewer = caller.Account, state })), cancellationToken: cancellationToken)));
        PageLinks.Add(http, rows.FirstOrDefault()?.Id, rows.LastOrDefault()?.Id);
        return TypedResults.Ok(await views.RenderAsync(connection, caller.Account, rows.Select(r => r.OrganizationId).ToList(), cancellationToken));
    }

    private static Task<Ok<Organization>> Get(long id, Caller caller, Db db, OrganizationViews views, CancellationToken cancellationToken) =>
        RenderAsync(db, views, caller.AccountId ?? 0, id, cancellationToken);

    /// <summary>
    /// Owners change the organisation's profile (the fields of update_credentials: display name, bio, fields,
    /// avatar, header, discoverable) and whether contributors' posts need review.
    /// </summary>
    private static async Task<Ok<Organization>> Update(long id, HttpContext http, Caller caller, Db db, ProfileUpdate profile, OrganizationAudit audit, OrganizationViews views,
        CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var review = form.Bool("requires_review");
        // Nobody signs in as an organisation, so nobody could answer its follow requests.
        if (form.Bool("locked") == true)
            throw ApiException.Unprocessable("Validation failed: an organisation cannot be locked");
        await using (var connection = await db.OpenAsync(cancellationToken))
            await OrganizationMembers.RequireRoleAsync(connection, null, id, caller.Account, cancellationToken, OrganizationRoles.Owner);
        // The profile first: it checks what was sent, and a refusal there should change nothing.
        await profile.UpdateAsync(id, form, cancellationToken);
        await db.WriteAsync(async (connection, transaction) =>
        {
            await OrganizationMembers.RequireRoleAsync(connection, transaction, id, caller.Account, cancellationToken, OrganizationRoles.Owner);
            await connection.ExecuteAsync(connection.Command(
                "UPDATE organizations SET requires_review = COALESCE(@review, requires_review) WHERE account_id = @id", new { id, review }, transaction, cancellationToken));
            await audit.RecordAsync(connection, transaction, new AuditEntry(id, caller.Account, AuditActions.Settings,
                Detail: review is null ? "profile" : $"requires_review={(review.Value ? "true" : "false")}"), cancellationToken);
        }, cancellationToken);
        return await RenderAsync(db, views, caller.Account, id, cancellationToken);
    }

    /// <summary>Everything done for the organisation, newest first: for its owners, who see who posted whatever the credit says.</summary>
    public static async Task<Ok<IReadOnlyList<OrganizationAuditEntry>>> Audit(long id, HttpContext http, Caller caller, Db db, OrganizationViews views, CancellationToken cancellationToken)
    {
        var page = Page.From(http.Request, defaultLimit: 40, maxLimit: 80);
        await using var connection = await db.OpenAsync(cancellationToken);
        await OrganizationMembers.RequireRoleAsync(connection, null, id, caller.Account, cancellationToken, OrganizationRoles.Owner);
        var rows = page.Newest(await connection.QueryAsync<AuditRow>(connection.Command(
            $"""
            SELECT {AuditRow.Columns} FROM organization_audit l
            WHERE l.organization_id = @id {page.Bounds("l.id")} ORDER BY {page.OrderBy("l.id")} LIMIT @page_limit
            """, page.AddTo(new DynamicParameters(new { id })), cancellationToken: cancellationToken)));
        PageLinks.Add(http, rows.FirstOrDefault()?.Id, rows.LastOrDefault()?.Id);
        return TypedResults.Ok(await views.RenderAuditAsync(connection, rows, cancellationToken));
    }

    private static async Task<Ok<Organization>> RenderAsync(Db db, OrganizationViews views, long viewer, long id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var rendered = await views.RenderAsync(connection, viewer, [id], cancellationToken);
        return TypedResults.Ok(rendered.Count > 0 ? rendered[0] : throw ApiException.NotFound());
    }
}
