using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Organizations;

/// <summary>
/// The review queue: editors and owners see every waiting submission and approve or reject it; a contributor sees
/// their own (waiting or rejected, with the reason) and may withdraw it.
/// </summary>
public static class ReviewEndpoints
{
    public static RouteGroupBuilder MapReview(this RouteGroupBuilder organizations)
    {
        organizations.MapGet("/{id:long}/submissions", List).RequireScope(Scopes.ReadStatuses);
        organizations.MapGet("/{id:long}/submissions/{submissionId:long}", Get).RequireScope(Scopes.ReadStatuses);
        organizations.MapPost("/{id:long}/submissions/{submissionId:long}/approve", Approve).RequireScope(Scopes.WriteStatuses);
        organizations.MapPost("/{id:long}/submissions/{submissionId:long}/reject", Reject).RequireScope(Scopes.WriteStatuses);
        organizations.MapDelete("/{id:long}/submissions/{submissionId:long}", Withdraw).RequireScope(Scopes.WriteStatuses);
        return organizations;
    }

    /// <summary>Submissions, newest first; <c>state</c> is <c>pending</c> (the default) or <c>rejected</c>.</summary>
    public static async Task<Ok<IReadOnlyList<OrganizationSubmission>>> List(long id, HttpContext http, Caller caller, Db db, OrganizationViews views, CancellationToken cancellationToken)
    {
        var page = Page.From(http.Request);
        var state = http.Request.Query["state"].ToString() is { Length: > 0 } asked ? asked : "pending";
        if (state is not ("pending" or "rejected"))
            throw ApiException.Unprocessable("Validation failed: state must be pending or rejected");
        await using var connection = await db.OpenAsync(cancellationToken);
        var acting = await OrganizationMembers.RequireActiveAsync(connection, null, id, caller.Account, cancellationToken);
        var rows = page.Newest(await connection.QueryAsync<OrganizationSubmissions.Row>(connection.Command(
            $"""
            SELECT {OrganizationSubmissions.Row.Columns} FROM organization_submissions os
            WHERE os.organization_id = @id AND os.state = @state {(OrganizationRoles.Edits(acting.Role) ? "" : "AND os.account_id = @viewer")}
              {page.Bounds("os.id")} ORDER BY {page.OrderBy("os.id")} LIMIT @page_limit
            """, page.AddTo(new DynamicParameters(new { id, state, viewer = caller.Account })), cancellationToken: cancellationToken)));
        PageLinks.Add(http, rows.FirstOrDefault()?.Id, rows.LastOrDefault()?.Id);
        return TypedResults.Ok(await views.RenderSubmissionsAsync(connection, rows, cancellationToken));
    }

    /// <summary>One submission, for the organisation's editors and owners and for its contributor (also after they left).</summary>
    private static async Task<Ok<OrganizationSubmission>> Get(long id, long submissionId, Caller caller, Db db, OrganizationViews views, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<OrganizationSubmissions.Row>(connection.Command(
            $"SELECT {OrganizationSubmissions.Row.Columns} FROM organization_submissions os WHERE os.id = @submissionId AND os.organization_id = @id",
            new { id, submissionId }, cancellationToken: cancellationToken)) ?? throw ApiException.NotFound();
        if (row.AccountId != caller.Account)
        {
            var acting = await OrganizationMembers.FindActiveAsync(connection, null, id, caller.Account, cancellationToken);
            if (acting is null || !OrganizationRoles.Edits(acting.Role))
                throw ApiException.NotFound();
        }
        return TypedResults.Ok((await views.RenderSubmissionsAsync(connection, [row], cancellationToken))[0]);
    }

    /// <summary>Publishes the submission as the organisation's post, now; answers with the post.</summary>
    private static async Task<Ok<Status>> Approve(long id, long submissionId, Caller caller, OrganizationSubmissions submissions, StatusPosting posting, Db db, StatusViews views,
        CancellationToken cancellationToken)
    {
        var statusId = await submissions.ApproveAsync(caller.Account, id, submissionId, posting, cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await views.RenderAsync(connection, caller.Account, statusId, cancellationToken) ?? throw ApiException.NotFound());
    }

    private static async Task<Ok<EmptyObject>> Reject(long id, long submissionId, HttpContext http, Caller caller, OrganizationSubmissions submissions, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        await submissions.RejectAsync(caller.Account, id, submissionId, form.Text("reason"), cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    private static async Task<Ok<EmptyObject>> Withdraw(long id, long submissionId, Caller caller, OrganizationSubmissions submissions, CancellationToken cancellationToken)
    {
        await submissions.WithdrawAsync(caller.Account, id, submissionId, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }
}
