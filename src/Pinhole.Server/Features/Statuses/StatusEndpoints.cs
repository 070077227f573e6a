using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Features.Organizations;
using Pinhole.Server.Features.Places;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Statuses;

public static class StatusEndpoints
{
    public static IServiceCollection AddStatuses(this IServiceCollection services) => services
        .AddSingleton<StatusPosting>()
        .AddSingleton<StatusInteractions>()
        .AddSingleton<StatusEditing>()
        .AddSingleton<PendingStatuses>()
        .AddSingleton<StatusViews>();

    public static RouteGroupBuilder MapStatuses(this RouteGroupBuilder api)
    {
        var statuses = api.MapGroup("/v1/statuses");
        statuses.MapPost("/", Create).RequireScope(Scopes.WriteStatuses);
        api.MapHeldPosts();
        statuses.MapGet("/{id:long}", Get).AllowAnonymous(Scopes.ReadStatuses);
        statuses.MapDelete("/{id:long}", Delete).RequireScope(Scopes.WriteStatuses);
        statuses.MapPut("/{id:long}", Edit).RequireScope(Scopes.WriteStatuses);
        statuses.MapGet("/{id:long}/history", History).AllowAnonymous(Scopes.ReadStatuses);
        statuses.MapGet("/{id:long}/source", Source).RequireScope(Scopes.ReadStatuses);
        statuses.MapGet("/{id:long}/context", Context).AllowAnonymous(Scopes.ReadStatuses);
        statuses.MapPost("/{id:long}/favourite", Favourite).RequireScope(Scopes.WriteFavourites);
        statuses.MapPost("/{id:long}/unfavourite", Unfavourite).RequireScope(Scopes.WriteFavourites);
        statuses.MapPost("/{id:long}/reblog", Reblog).RequireScope(Scopes.WriteStatuses);
        statuses.MapPost("/{id:long}/unreblog", Unreblog).RequireScope(Scopes.WriteStatuses);
        statuses.MapGet("/{id:long}/favourited_by", FavouritedBy).AllowAnonymous(Scopes.ReadAccounts);
        statuses.MapGet("/{id:long}/reblogged_by", RebloggedBy).AllowAnonymous(Scopes.ReadAccounts);
        return api;
    }

    /// <summary>
    /// Posts. A post naming media still being processed is refused (422), as on Mastodon, unless the client asks
    /// to wait (<c>pinhole_wait_for_media=true</c> or the header <c>Pinhole-Wait-For-Media: true</c>): then it is
    /// held and goes out as soon as its media are ready, and the answer is a 202 with the held post (a
    /// ScheduledStatus) — so someone can press "post" and walk away. Pinhole's extensions: a place
    /// (<c>pinhole_place_id</c>, or <c>pinhole_place[name]</c> with optional <c>[latitude]</c> and <c>[longitude]</c>),
    /// and <c>Pinhole-Act-As: &lt;organisation id&gt;</c> to post as an organisation one is a member of; a
    /// contributor's post to an organisation that reviews them is answered 202 with the waiting submission.
    /// </summary>
    private static async Task<IResult> Create(HttpContext http, Caller caller, StatusPosting posting, PendingStatuses pending, Db db, StatusViews views,
        MediaViews media, PlaceRegistry places, OrganizationSubmissions submissions, OrganizationViews organizations, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        if (form.Has("poll[options]"))
            throw ApiException.Unprocessable("Validation failed: polls are not supported on this server");
        if (!string.IsNullOrEmpty(form.Text("scheduled_at")))
            throw ApiException.Unprocessable("Validation failed: scheduled posts are not supported on this server");
        var visibilityName = form.Text("visibility");
        var visibility = VisibilityNames.Parse(visibilityName);
        if (!string.IsNullOrEmpty(visibilityName) && visibility is null)
            throw ApiException.Unprocessable("Validation failed: Visibility must be public, unlisted, private or direct");
        var (placeId, place) = PlaceInput.FromPost(form, places.Decimals);
        var request = new NewStatus(
            form.Text("status"),
            form.List("media_ids").Select(ParseId).ToList(),
            form.Id("in_reply_to_id"),
            form.Bool("sensitive"),
            form.Text("spoiler_text"),
            visibility,
            string.IsNullOrEmpty(form.Text("language")) ? null : form.Text("language"),
            http.Request.Headers["Idempotency-Key"].FirstOrDefault(),
            caller.AppId,
            OrganizationMembers.ActAs(http.Request),
            placeId,
            place);
        var wait = form.Bool("pinhole_wait_for_media") == true
            || string.Equals(http.Request.Headers["Pinhole-Wait-For-Media"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        long id;
        try
        {
            id = await posting.CreateAsync(caller.Account, request, cancellationToken);
        }
        catch (ReviewRequiredException)
        {
            var submission = await submissions.SubmitAsync(caller.Account, request, cancellationToken);
            return await SubmittedAsync(db, organizations, submission, cancellationToken);
        }
        catch (MediaPendingException pendingMedia)
        {
            if (!wait)
                throw pendingMedia.AsRefusal();
            var (heldOrPosted, published) = await pending.HoldAsync(caller.Account, request, pendingMedia.MediaIds, cancellationToken);
            if (!published)
                return await HeldAsync(db, media, views, caller.Account, heldOrPosted, cancellationToken);
            id = heldOrPosted;
        }
        return TypedResults.Ok(await RenderMadeAsync(db, views, caller, id, cancellationToken));
    }

    /// <summary>
    /// What the caller just posted. A post made as an organisation is the organisation's, and may be for its
    /// followers only, whom its member need not be among: the one who made it is shown it all the same.
    /// </summary>
    private static async Task<Status> RenderMadeAsync(Db db, StatusViews views, Caller caller, long id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await views.RenderAsync(connection, caller.Account, id, cancellationToken) ?? throw ApiException.NotFound();
    }

    private static async Task<IResult> SubmittedAsync(Db db, OrganizationViews organizations, long submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<OrganizationSubmissions.Row>(connection.Command(
            $"SELECT {OrganizationSubmissions.Row.Columns} FROM organization_submissions os WHERE os.id = @submissionId",
            new { submissionId }, cancellationToken: cancellationToken));
        var rendered = (await organizations.RenderSubmissionsAsync(connection, [row], cancellationToken))[0];
        return TypedResults.Json(rendered, MastodonJson.Default.OrganizationSubmission, statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> HeldAsync(Db db, MediaViews media, StatusViews views, long author, long heldId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PendingStatuses.Row>(connection.Command(
            $"SELECT {PendingStatuses.Columns} FROM pending_statuses p WHERE p.id = @heldId AND p.account_id = @author",
            new { heldId, author }, cancellationToken: cancellationToken));
        // Published between the hold and this read: the post itself is what the client wants.
        if (row is null)
        {
            var published = await PendingStatuses.PublishedAsAsync(connection, author, heldId, cancellationToken) ?? throw ApiException.NotFound();
            return TypedResults.Ok(await views.RenderAsync(connection, author, published, cancellationToken) ?? throw ApiException.NotFound());
        }
        var held = (await HeldPostEndpoints.RenderAsync(connection, media, [row], cancellationToken))[0];
        return TypedResults.Json(held, MastodonJson.Default.ScheduledStatus, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary>A post opened by itself is shown as in its thread: the viewer's thread filters mark it, but never hide it.</summary>
    private static async Task<Ok<Status>> Get(long id, Caller caller, Db db, StatusViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        var viewer = caller.AccountId ?? 0;
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsureVisibleAsync(connection, viewer, id, cancellationToken);
        var filters = (await ActiveFilters.LoadAsync(connection, viewer, cancellationToken)).In(FilterContexts.Thread, time.GetUtcNow());
        return TypedResults.Ok(await views.RenderAsync(connection, viewer, id, cancellationToken, filters) ?? throw ApiException.NotFound());
    }

    private static async Task<Ok<Status>> Delete(long id, HttpContext http, Caller caller, StatusPosting posting, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        // Rendered before it goes, then sent with its source text so the client can redraft it.
        var before = await views.RenderAsync(connection, caller.Account, id, cancellationToken);
        var deleted = await posting.DeleteAsync(caller.Account, id, OrganizationMembers.ActAs(http.Request), cancellationToken);
        return TypedResults.Ok(before! with { Text = deleted.Text });
    }

    private static async Task<Ok<Status>> Edit(long id, HttpContext http, Caller caller, StatusEditing editing, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        if (form.Has("poll[options]"))
            throw ApiException.Unprocessable("Validation failed: polls are not supported on this server");
        var mediaChanges = form.ChildKeys("media_attributes")
            .Select(i => new MediaChange(
                ParseId(form.Text($"media_attributes[{i}][id]") ?? ""),
                form.Text($"media_attributes[{i}][description]"),
                form.Has($"media_attributes[{i}][focus]") ? MediaUploads.ParseFocus(form.Text($"media_attributes[{i}][focus]")) : null))
            .ToList();
        var change = new StatusChange(
            form.Has("status") ? form.Text("status") ?? "" : null,
            form.Has("spoiler_text") ? form.Text("spoiler_text") ?? "" : null,
            form.Bool("sensitive"),
            string.IsNullOrEmpty(form.Text("language")) ? null : form.Text("language"),
            form.Has("media_ids") ? form.List("media_ids").Select(ParseId).ToList() : null,
            mediaChanges);
        await editing.EditAsync(caller.Account, id, change, OrganizationMembers.ActAs(http.Request), cancellationToken);
        return TypedResults.Ok(await RenderMadeAsync(db, views, caller, id, cancellationToken));
    }

    private static async Task<Ok<IReadOnlyList<StatusEdit>>> History(long id, Caller caller, Db db, StatusEditing editing, StatusViews views, MediaViews media, CancellationToken cancellationToken)
    {
        var viewer = caller.AccountId ?? 0;
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsureVisibleAsync(connection, viewer, id, cancellationToken);
        return TypedResults.Ok(await editing.HistoryAsync(connection, views, media, viewer, id, cancellationToken));
    }

    /// <summary>The text as written, for its author to edit; others may not have it even when they can read the post.</summary>
    private static async Task<Ok<StatusSource>> Source(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsureVisibleAsync(connection, caller.Account, id, cancellationToken);
        var row = await connection.QuerySingleAsync<StatusRow>(connection.Command(
            $"SELECT {StatusRow.Columns} FROM statuses s WHERE s.id = @id", new { id }, cancellationToken: cancellationToken));
        if (row.AccountId != caller.Account)
            throw ApiException.Forbidden();
        return TypedResults.Ok(new StatusSource(row.Id.ToString(CultureInfo.InvariantCulture), row.Text, row.SpoilerText));
    }

    internal static async Task<Ok<StatusContext>> Context(long id, Caller caller, Db db, StatusViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        var viewer = caller.AccountId ?? 0;
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsureVisibleAsync(connection, viewer, id, cancellationToken);
        var ancestors = await connection.QueryAsync<long>(connection.Command(
            $"""
            WITH RECURSIVE chain (id, in_reply_to_id, depth) AS (
                SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = @id
                UNION ALL
                SELECT p.id, p.in_reply_to_id, c.depth + 1 FROM statuses p JOIN chain c ON p.id = c.in_reply_to_id WHERE c.depth < 100
            )
            SELECT s.id FROM chain c JOIN statuses s ON s.id = c.id WHERE c.depth > 0 AND {VisibleTo.Viewer("s")} ORDER BY s.id
            """, new { id, viewer }, cancellationToken: cancellationToken));
        var descendants = await connection.QueryAsync<long>(connection.Command(
            $"""
            WITH RECURSIVE thread (id, depth) AS (
                SELECT id, 1 FROM statuses WHERE in_reply_to_id = @id
                UNION ALL
                SELECT r.id, t.depth + 1 FROM statuses r JOIN thread t ON r.in_reply_to_id = t.id WHERE t.depth < 100
            )
            SELECT s.id FROM thread t JOIN statuses s ON s.id = t.id WHERE {VisibleTo.Viewer("s")} AND {FeedFilter.Shown("s")} ORDER BY s.id LIMIT 4000
            """, new { id, viewer, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        var filters = (await ActiveFilters.LoadAsync(connection, viewer, cancellationToken)).In(FilterContexts.Thread, time.GetUtcNow());
        return TypedResults.Ok(new StatusContext(
            (await views.RenderAsync(connection, viewer, ancestors.ToList(), cancellationToken, filters)).Where(s => !FilterScope.Hides(s)).ToList(),
            (await views.RenderAsync(connection, viewer, descendants.ToList(), cancellationToken, filters)).Where(s => !FilterScope.Hides(s)).ToList()));
    }

    private static async Task<Ok<Status>> Favourite(long id, Caller caller, StatusInteractions interactions, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        await interactions.FavouriteAsync(caller.Account, id, cancellationToken);
        return TypedResults.Ok(await RenderVisibleAsync(db, views, caller, id, cancellationToken));
    }

    private static async Task<Ok<Status>> Unfavourite(long id, Caller caller, StatusInteractions interactions, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        await interactions.UnfavouriteAsync(caller.Account, id, cancellationToken);
        return TypedResults.Ok(await RenderVisibleAsync(db, views, caller, id, cancellationToken));
    }

    private static async Task<Ok<Status>> Reblog(long id, HttpContext http, Caller caller, StatusInteractions interactions, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var visibility = VisibilityNames.Parse(form.Text("visibility")) ?? Visibility.Public;
        if (visibility == Visibility.Direct)
            throw ApiException.Unprocessable("Validation failed: a reblog is public, unlisted or private");
        var reblogId = await interactions.ReblogAsync(caller.Account, id, visibility, cancellationToken);
        return TypedResults.Ok(await RenderVisibleAsync(db, views, caller, reblogId, cancellationToken));
    }

    private static async Task<Ok<Status>> Unreblog(long id, Caller caller, StatusInteractions interactions, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        var original = await interactions.UnreblogAsync(caller.Account, id, cancellationToken);
        return TypedResults.Ok(await RenderVisibleAsync(db, views, caller, original, cancellationToken));
    }

    private static Task<Ok<IReadOnlyList<Account>>> FavouritedBy(long id, HttpContext http, Caller caller, Db db, AccountViews accounts, CancellationToken cancellationToken) =>
        AccountsWhoAsync(http, caller, db, accounts, id, "SELECT f.id AS cursor, f.account_id FROM favourites f WHERE f.status_id = @id", "f.id", cancellationToken);

    private static Task<Ok<IReadOnlyList<Account>>> RebloggedBy(long id, HttpContext http, Caller caller, Db db, AccountViews accounts, CancellationToken cancellationToken) =>
        AccountsWhoAsync(http, caller, db, accounts, id, "SELECT r.id AS cursor, r.account_id FROM statuses r WHERE r.reblog_of_id = @id", "r.id", cancellationToken);

    private static async Task<Ok<IReadOnlyList<Account>>> AccountsWhoAsync(
        HttpContext http, Caller caller, Db db, AccountViews accounts, long id, string select, string cursor, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsureVisibleAsync(connection, caller.AccountId ?? 0, id, cancellationToken);
        return TypedResults.Ok(await AccountPage.ReadAsync(http, connection, accounts, select, cursor, new { id }, cancellationToken));
    }

    internal static async Task EnsureVisibleAsync(DbConnection connection, long viewer, long id, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        var visible = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
            $"SELECT s.id FROM statuses s WHERE s.id = @id AND {VisibleTo.Viewer("s")}", new { id, viewer }, transaction, cancellationToken));
        if (visible is null)
            throw ApiException.NotFound();
    }

    internal static async Task<Status> RenderVisibleAsync(Db db, StatusViews views, Caller caller, long id, CancellationToken cancellationToken)
    {
        var viewer = caller.AccountId ?? 0;
        await using var connection = await db.OpenAsync(cancellationToken);
        await EnsureVisibleAsync(connection, viewer, id, cancellationToken);
        return await views.RenderAsync(connection, viewer, id, cancellationToken) ?? throw ApiException.NotFound();
    }

    private static long ParseId(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : throw ApiException.Unprocessable($"Validation failed: {value} is not a media id");
}
