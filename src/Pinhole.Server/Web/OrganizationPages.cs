using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Organizations;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;
using Pinhole.Server.Web.Pages;

namespace Pinhole.Server.Web;

/// <summary>
/// Organisations on the web: one's memberships and invitations, making one, its members (invite, roles, removal,
/// leaving, review on or off), its review queue and its audit log. Every page and form goes through the API's own
/// handlers and services, so the rules (who may do what, the last owner) are the API's; a refusal the person can fix
/// (a mistyped username, the last owner leaving) comes back on the members page with the API's own message.
/// </summary>
public static class OrganizationPages
{
    private const string OrganizationRoute = $"/organizations/{{username:{WebRoutes.Username}}}";

    public static RouteGroupBuilder MapOrganizationPages(this RouteGroupBuilder pages)
    {
        pages.MapGet("/organizations", Mine);
        pages.MapPost("/organizations", Create);
        pages.MapPost(OrganizationRoute + "/accept", Accept);
        pages.MapPost(OrganizationRoute + "/decline", Decline);
        pages.MapGet(OrganizationRoute, Members);
        pages.MapPost(OrganizationRoute + "/invite", Invite);
        pages.MapPost(OrganizationRoute + "/members/{accountId:long}/role", ChangeRole);
        pages.MapPost(OrganizationRoute + "/members/{accountId:long}/remove", Remove);
        pages.MapPost(OrganizationRoute + "/credit", Credit);
        pages.MapPost(OrganizationRoute + "/review_setting", ReviewSetting);
        pages.MapPost(OrganizationRoute + "/leave", Leave);
        pages.MapGet(OrganizationRoute + "/review", Review);
        pages.MapPost(OrganizationRoute + "/review/{submissionId:long}/approve", Approve);
        pages.MapPost(OrganizationRoute + "/review/{submissionId:long}/reject", Reject);
        pages.MapGet(OrganizationRoute + "/audit", Audit);
        return pages;
    }

    /// <summary>An organisation the viewer may post as, for the compose page's switcher.</summary>
    public sealed record PostingChoice(string Id, string Username, string DisplayName, bool Reviewed);

    private sealed class PostingRow
    {
        public long Id { get; init; }
        public string Username { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string Role { get; init; } = "";
        public bool RequiresReview { get; init; }
    }

    /// <summary>
    /// The organisations <paramref name="viewer"/> is an active member of, by name: every role posts (a contributor's
    /// post may wait for review). Read afresh on every compose page, so a removed member's choice is gone at once.
    /// </summary>
    public static async Task<IReadOnlyList<PostingChoice>> PostingChoicesAsync(DbConnection connection, long viewer, CancellationToken cancellationToken)
    {
        var rows = await connection.QueryAsync<PostingRow>(connection.Command(
            """
            SELECT a.id, a.username, a.display_name, m.role, o.requires_review
            FROM organization_members m JOIN accounts a ON a.id = m.organization_id JOIN organizations o ON o.account_id = m.organization_id
            WHERE m.account_id = @viewer AND m.state = 'active'
            ORDER BY a.username_key
            """, new { viewer }, cancellationToken: cancellationToken));
        return rows.Select(r => new PostingChoice(r.Id.ToString(CultureInfo.InvariantCulture), r.Username, r.DisplayName,
            r.RequiresReview && r.Role == OrganizationRoles.Contributor)).ToList();
    }

    public static string PathOf(string username) => $"/organizations/{username}";

    private static async Task<IResult> Mine(HttpContext http, WebContext web, Db db, OrganizationViews views, CancellationToken cancellationToken) =>
        web.SignedIn ? await MinePageAsync(http, web, db, views, null, null, StatusCodes.Status200OK, cancellationToken) : WebForms.SignInFirst(http);

    private static async Task<IResult> MinePageAsync(HttpContext http, WebContext web, Db db, OrganizationViews views, RequestParams? form, string? message, int status,
        CancellationToken cancellationToken)
    {
        var organizations = (await OrganizationEndpoints.Mine(http, web.Caller, db, views, cancellationToken)).Value!;
        return new RazorComponentResult<OrganizationsPage>(new
        {
            Organizations = organizations,
            Older = WebPaging.OlderInList(http, organizations.Count, Page.From(http.Request).Limit),
            Username = form?.Text("username"),
            DisplayName = form?.Text("display_name"),
            Message = message,
        }) { StatusCode = status };
    }

    /// <summary>Makes an organisation with the viewer as its owner, then shows its members page; a bad or taken username comes back on the form.</summary>
    private static async Task<IResult> Create(HttpContext http, WebContext web, Db db, Organizations organizations, OrganizationViews views, CancellationToken cancellationToken)
    {
        var form = await WebForms.ReadAsync(http, cancellationToken);
        if (!web.SignedIn)
            return WebForms.SignInFirst(http);
        try
        {
            await organizations.CreateAsync(web.ViewerId, form.Text("username"), form.Text("display_name"), cancellationToken);
        }
        catch (ApiException refused) when (refused.StatusCode == StatusCodes.Status422UnprocessableEntity)
        {
            return await MinePageAsync(http, web, db, views, form, refused.Body.Error, refused.StatusCode, cancellationToken);
        }
        return TypedResults.LocalRedirect(PathOf(form.Text("username")!.Trim()));
    }

    /// <summary>Joins; the "credit me" box sets whether one's name shows on what one posts for it.</summary>
    private static Task<IResult> Accept(string username, HttpContext http, WebContext web, Db db, Organizations organizations, CancellationToken cancellationToken) =>
        ActAsync(username, http, web, db, "/organizations", (form, id) => organizations.AcceptAsync(web.ViewerId, id, form.Bool("credited"), cancellationToken),
            null, cancellationToken);

    private static Task<IResult> Decline(string username, HttpContext http, WebContext web, Db db, Organizations organizations, CancellationToken cancellationToken) =>
        ActAsync(username, http, web, db, "/organizations", (_, id) => organizations.LeaveAsync(web.ViewerId, id, cancellationToken), null, cancellationToken);

    private static async Task<IResult> Members(string username, HttpContext http, WebContext web, Db db, OrganizationViews views, CancellationToken cancellationToken) =>
        web.SignedIn ? await MembersPageAsync(username, http, web, db, views, null, StatusCodes.Status200OK, cancellationToken) : WebForms.SignInFirst(http);

    /// <summary>The members and open invitations, through the API's own list (members only: anyone else gets its 403).</summary>
    private static async Task<IResult> MembersPageAsync(string username, HttpContext http, WebContext web, Db db, OrganizationViews views, string? message, int status,
        CancellationToken cancellationToken)
    {
        var organization = await FindAsync(db, views, web.ViewerId, username, cancellationToken);
        var members = (await MemberEndpoints.List(Id(organization), http, web.Caller, db, views, cancellationToken)).Value!;
        return new RazorComponentResult<OrganizationPage>(new
        {
            Organization = organization,
            Members = members,
            ViewerId = web.ViewerId.ToString(CultureInfo.InvariantCulture),
            Older = WebPaging.OlderInList(http, members.Count, Page.From(http.Request, defaultLimit: 40, maxLimit: 80).Limit),
            Message = message,
        }) { StatusCode = status };
    }

    /// <summary>Invites an existing account by its username; someone who cannot be found (or blocks the organisation) is "no such account".</summary>
    private static Task<IResult> Invite(string username, HttpContext http, WebContext web, Db db, Organizations organizations, OrganizationViews views,
        CancellationToken cancellationToken) =>
        ActAsync(username, http, web, db, null, async (form, id) =>
        {
            var invitee = form.Text("invitee")?.Trim().TrimStart('@') ?? "";
            long? inviteeId;
            await using (var connection = await db.OpenAsync(cancellationToken))
                inviteeId = invitee.Length is 0 or > 30 ? null : await connection.FindAccountIdAsync(invitee, cancellationToken);
            try
            {
                await organizations.InviteAsync(web.ViewerId, id, inviteeId ?? throw ApiException.NotFound(), form.Text("role"), cancellationToken);
            }
            catch (ApiException missing) when (missing.StatusCode == StatusCodes.Status404NotFound)
            {
                throw ApiException.Unprocessable(invitee.Length == 0 ? "Write the username of the person to invite" : $"There is no account called @{invitee} here");
            }
        }, views, cancellationToken);

    private static Task<IResult> ChangeRole(string username, long accountId, HttpContext http, WebContext web, Db db, Organizations organizations, OrganizationViews views,
        CancellationToken cancellationToken) =>
        ActAsync(username, http, web, db, null, (form, id) => organizations.ChangeAsync(web.ViewerId, id, accountId, form.Text("role") ?? "", null, cancellationToken),
            views, cancellationToken);

    private static Task<IResult> Remove(string username, long accountId, HttpContext http, WebContext web, Db db, Organizations organizations, OrganizationViews views,
        CancellationToken cancellationToken) =>
        ActAsync(username, http, web, db, accountId == web.ViewerId ? "/organizations" : null,
            (_, id) => organizations.RemoveAsync(web.ViewerId, id, accountId, cancellationToken), views, cancellationToken);

    /// <summary>Whether the viewer's own name shows on what they post for the organisation: their choice alone.</summary>
    private static Task<IResult> Credit(string username, HttpContext http, WebContext web, Db db, Organizations organizations, OrganizationViews views,
        CancellationToken cancellationToken) =>
        ActAsync(username, http, web, db, null, (form, id) => organizations.ChangeAsync(web.ViewerId, id, web.ViewerId, null, form.Bool("credited") == true, cancellationToken),
            views, cancellationToken);

    private static Task<IResult> ReviewSetting(string username, HttpContext http, WebContext web, Db db, Organizations organizations, OrganizationViews views,
        CancellationToken cancellationToken) =>
        ActAsync(username, http, web, db, null, (form, id) => organizations.SetReviewAsync(web.ViewerId, id, form.Bool("requires_review") == true, cancellationToken),
            views, cancellationToken);

    /// <summary>Leaves; the last owner is told why not, on the members page.</summary>
    private static Task<IResult> Leave(string username, HttpContext http, WebContext web, Db db, Organizations organizations, OrganizationViews views,
        CancellationToken cancellationToken) =>
        ActAsync(username, http, web, db, "/organizations", (_, id) => organizations.LeaveAsync(web.ViewerId, id, cancellationToken), views, cancellationToken);

    private static async Task<IResult> Review(string username, HttpContext http, WebContext web, Db db, OrganizationViews views, CancellationToken cancellationToken)
    {
        if (!web.SignedIn)
            return WebForms.SignInFirst(http);
        var organization = await FindAsync(db, views, web.ViewerId, username, cancellationToken);
        var submissions = (await ReviewEndpoints.List(Id(organization), http, web.Caller, db, views, cancellationToken)).Value!;
        var published = RequestParams.FromQuery(http.Request.Query).Id("published");
        return new RazorComponentResult<OrganizationReviewPage>(new
        {
            Organization = organization,
            Submissions = submissions,
            Older = WebPaging.OlderInList(http, submissions.Count, Page.From(http.Request).Limit),
            web.Now,
            Published = published is { } statusId ? WebRoutes.Post(organization.Account.Username, statusId.ToString(CultureInfo.InvariantCulture)) : null,
        });
    }

    /// <summary>Publishes the submission now as the organisation's post; the review page then links to it.</summary>
    private static async Task<IResult> Approve(string username, long submissionId, HttpContext http, WebContext web, Db db, OrganizationSubmissions submissions,
        StatusPosting posting, CancellationToken cancellationToken)
    {
        long statusId = 0;
        var done = await ActAsync(username, http, web, db, PathOf(username) + "/review",
            async (_, id) => statusId = await submissions.ApproveAsync(web.ViewerId, id, submissionId, posting, cancellationToken), null, cancellationToken);
        return statusId == 0 ? done : TypedResults.LocalRedirect($"{PathOf(username)}/review?published={statusId.ToString(CultureInfo.InvariantCulture)}");
    }

    private static Task<IResult> Reject(string username, long submissionId, HttpContext http, WebContext web, Db db, OrganizationSubmissions submissions,
        CancellationToken cancellationToken) =>
        ActAsync(username, http, web, db, PathOf(username) + "/review",
            (form, id) => submissions.RejectAsync(web.ViewerId, id, submissionId, form.Text("reason"), cancellationToken), null, cancellationToken);

    private sealed class CreditRow
    {
        public long Id { get; init; }
        public bool ContributorCredited { get; init; }
    }

    /// <summary>The audit log, for owners (the API's 403 for anyone else), with whether each post still stands and carries its poster's credit.</summary>
    private static async Task<IResult> Audit(string username, HttpContext http, WebContext web, Db db, OrganizationViews views, CancellationToken cancellationToken)
    {
        if (!web.SignedIn)
            return WebForms.SignInFirst(http);
        var organization = await FindAsync(db, views, web.ViewerId, username, cancellationToken);
        var entries = (await OrganizationEndpoints.Audit(Id(organization), http, web.Caller, db, views, cancellationToken)).Value!;
        var statusIds = entries.Where(e => e.StatusId is not null).Select(e => long.Parse(e.StatusId!, CultureInfo.InvariantCulture)).Distinct().ToArray();
        Dictionary<string, bool> credited;
        await using (var connection = await db.OpenAsync(cancellationToken))
            credited = (await connection.QueryAsync<CreditRow>(connection.Command(
                "SELECT id, contributor_credited FROM statuses WHERE id IN @statusIds", new { statusIds }, cancellationToken: cancellationToken)))
                .ToDictionary(r => r.Id.ToString(CultureInfo.InvariantCulture), r => r.ContributorCredited);
        return new RazorComponentResult<OrganizationAuditPage>(new
        {
            Organization = organization,
            Entries = entries,
            Credited = credited,
            Older = WebPaging.OlderInList(http, entries.Count, Page.From(http.Request, defaultLimit: 40, maxLimit: 80).Limit),
        });
    }

    /// <summary>
    /// What every form here does: check the form and the session, find the organisation, act, and go to
    /// <paramref name="done"/> (default: the members page). A 422 comes back on the members page when there is one to show
    /// (<paramref name="views"/>), else as a page of its own; a 403 or 404 is the pages' usual refusal.
    /// </summary>
    private static async Task<IResult> ActAsync(string username, HttpContext http, WebContext web, Db db, string? done, Func<RequestParams, long, Task> act,
        OrganizationViews? views, CancellationToken cancellationToken)
    {
        var form = await WebForms.ReadAsync(http, cancellationToken);
        if (!web.SignedIn)
            return WebForms.SignInFirst(http);
        long id;
        await using (var connection = await db.OpenAsync(cancellationToken))
            id = await IdOfAsync(connection, username, cancellationToken);
        try
        {
            await act(form, id);
        }
        catch (ApiException refused) when (refused.StatusCode == StatusCodes.Status422UnprocessableEntity && views is not null)
        {
            return await MembersPageAsync(username, http, web, db, views, refused.Body.Error, refused.StatusCode, cancellationToken);
        }
        return TypedResults.LocalRedirect(done ?? PathOf(username));
    }

    private static async Task<long> IdOfAsync(DbConnection connection, string username, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
            "SELECT id FROM accounts WHERE username_key = @key AND organization = TRUE", new { key = username.ToLowerInvariant() }, cancellationToken: cancellationToken))
        ?? throw ApiException.NotFound();

    /// <summary>The organisation with this username, with the viewer's own membership (if any); a 404 for anything else.</summary>
    private static async Task<Organization> FindAsync(Db db, OrganizationViews views, long viewer, string username, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var found = await views.RenderAsync(connection, viewer, [await IdOfAsync(connection, username, cancellationToken)], cancellationToken);
        return found.Count > 0 ? found[0] : throw ApiException.NotFound();
    }

    private static long Id(Organization organization) => long.Parse(organization.Id, CultureInfo.InvariantCulture);
}
