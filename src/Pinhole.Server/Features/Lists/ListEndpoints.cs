using System.Globalization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Features.Timelines;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Lists;

/// <summary>
/// Lists, such as "Journalists in Pyongyang": only their owner sees them; members must be accounts the owner
/// follows (unfollowing or blocking someone takes them off the owner's lists). An exclusive list's members show
/// in the list and no longer in home.
/// </summary>
public static class ListEndpoints
{
    public const int MaxTitle = 200;
    private static readonly string[] RepliesPolicies = ["followed", "list", "none"];

    public static RouteGroupBuilder MapLists(this RouteGroupBuilder api)
    {
        var lists = api.MapGroup("/v1/lists");
        lists.MapGet("/", All).RequireScope(Scopes.ReadLists);
        lists.MapGet("/{id:long}", Get).RequireScope(Scopes.ReadLists);
        lists.MapPost("/", Create).RequireScope(Scopes.WriteLists);
        lists.MapPut("/{id:long}", Update).RequireScope(Scopes.WriteLists);
        lists.MapDelete("/{id:long}", Delete).RequireScope(Scopes.WriteLists);
        lists.MapGet("/{id:long}/accounts", Members).RequireScope(Scopes.ReadLists);
        lists.MapPost("/{id:long}/accounts", AddMembers).RequireScope(Scopes.WriteLists);
        lists.MapDelete("/{id:long}/accounts", RemoveMembers).RequireScope(Scopes.WriteLists);
        api.MapGet("/v1/accounts/{id:long}/lists", Containing).RequireScope(Scopes.ReadLists);
        api.MapGet("/v1/timelines/list/{id:long}", ListTimeline).RequireScope(Scopes.ReadLists);
        return api;
    }

    private sealed class ListRow
    {
        public long Id { get; init; }
        public string Title { get; init; } = "";
        public string RepliesPolicy { get; init; } = "list";
        public bool Exclusive { get; init; }

        public List ToEntity() => new(Id.ToString(CultureInfo.InvariantCulture), Title, RepliesPolicy, Exclusive);
    }

    private const string Columns = "l.id, l.title, l.replies_policy, l.exclusive";

    private static async Task<Ok<IReadOnlyList<List>>> All(Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<ListRow>(connection.Command(
            $"SELECT {Columns} FROM lists l WHERE l.account_id = @viewer ORDER BY l.id", new { viewer = caller.Account }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<List>>(rows.Select(r => r.ToEntity()).ToList());
    }

    private static async Task<Ok<List>> Get(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok((await OwnAsync(connection, caller.Account, id, cancellationToken)).ToEntity());
    }

    private static async Task<Ok<List>> Create(HttpContext http, Caller caller, Db db, Snowflake ids, TimeProvider time, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var row = new ListRow
        {
            Id = ids.NextId(),
            Title = Title(form.Text("title")) ?? throw ApiException.Unprocessable("Validation failed: Title can't be blank"),
            RepliesPolicy = RepliesPolicy(form.Text("replies_policy")) ?? "list",
            Exclusive = form.Bool("exclusive") ?? false,
        };
        await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            "INSERT INTO lists (id, account_id, title, replies_policy, exclusive, created_at) VALUES (@Id, @viewer, @Title, @RepliesPolicy, @Exclusive, @now)",
            new { row.Id, viewer = caller.Account, row.Title, row.RepliesPolicy, row.Exclusive, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
            transaction, cancellationToken)), cancellationToken);
        return TypedResults.Ok(row.ToEntity());
    }

    private static async Task<Ok<List>> Update(long id, HttpContext http, Caller caller, Db db, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var title = form.Has("title") ? Title(form.Text("title")) ?? throw ApiException.Unprocessable("Validation failed: Title can't be blank") : null;
        var policy = RepliesPolicy(form.Text("replies_policy"));
        var exclusive = form.Bool("exclusive");
        var row = await db.WriteAsync(async (connection, transaction) =>
        {
            var current = await OwnAsync(connection, caller.Account, id, cancellationToken, transaction);
            var updated = new ListRow
            {
                Id = id,
                Title = title ?? current.Title,
                RepliesPolicy = policy ?? current.RepliesPolicy,
                Exclusive = exclusive ?? current.Exclusive,
            };
            await connection.ExecuteAsync(connection.Command(
                "UPDATE lists SET title = @Title, replies_policy = @RepliesPolicy, exclusive = @Exclusive WHERE id = @Id",
                updated, transaction, cancellationToken));
            return updated;
        }, cancellationToken);
        return TypedResults.Ok(row.ToEntity());
    }

    private static async Task<Ok<EmptyObject>> Delete(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (connection, transaction) =>
        {
            await OwnAsync(connection, caller.Account, id, cancellationToken, transaction);
            await connection.ExecuteAsync(connection.Command("DELETE FROM lists WHERE id = @id", new { id }, transaction, cancellationToken));
        }, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    private static async Task<Ok<IReadOnlyList<Account>>> Members(long id, HttpContext http, Caller caller, Db db, AccountViews accounts, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await OwnAsync(connection, caller.Account, id, cancellationToken);
        return TypedResults.Ok(await AccountPage.ReadAsync(http, connection, accounts,
            "SELECT la.account_id AS cursor, la.account_id FROM list_accounts la WHERE la.list_id = @id", "la.account_id", new { id }, cancellationToken));
    }

    private static async Task<Ok<EmptyObject>> AddMembers(long id, HttpContext http, Caller caller, Db db, CancellationToken cancellationToken)
    {
        var members = await MemberIdsAsync(http, cancellationToken);
        await db.WriteAsync(async (connection, transaction) =>
        {
            await OwnAsync(connection, caller.Account, id, cancellationToken, transaction);
            var existing = (await connection.QueryAsync<long>(connection.Command(
                "SELECT id FROM accounts WHERE id IN @members", new { members }, transaction, cancellationToken))).ToHashSet();
            if (members.Any(m => !existing.Contains(m)))
                throw ApiException.NotFound();
            var followed = (await connection.QueryAsync<long>(connection.Command(
                "SELECT target_account_id FROM follows WHERE account_id = @viewer AND target_account_id IN @members",
                new { viewer = caller.Account, members }, transaction, cancellationToken))).ToHashSet();
            if (members.Any(m => !followed.Contains(m)))
                throw ApiException.Unprocessable("Validation failed: you can only add accounts you follow to a list");
            foreach (var member in members)
            {
                await connection.ExecuteAsync(connection.Command(
                    "INSERT INTO list_accounts (list_id, account_id) VALUES (@id, @member) ON CONFLICT DO NOTHING", new { id, member }, transaction, cancellationToken));
            }
        }, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    private static async Task<Ok<EmptyObject>> RemoveMembers(long id, HttpContext http, Caller caller, Db db, CancellationToken cancellationToken)
    {
        var members = await MemberIdsAsync(http, cancellationToken);
        await db.WriteAsync(async (connection, transaction) =>
        {
            await OwnAsync(connection, caller.Account, id, cancellationToken, transaction);
            await connection.ExecuteAsync(connection.Command(
                "DELETE FROM list_accounts WHERE list_id = @id AND account_id IN @members", new { id, members }, transaction, cancellationToken));
        }, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    private static async Task<Ok<IReadOnlyList<List>>> Containing(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        await connection.EnsureAccountExistsAsync(id, cancellationToken);
        var rows = await connection.QueryAsync<ListRow>(connection.Command(
            $"SELECT {Columns} FROM lists l JOIN list_accounts la ON la.list_id = l.id WHERE l.account_id = @viewer AND la.account_id = @id ORDER BY l.id",
            new { viewer = caller.Account, id }, cancellationToken: cancellationToken));
        return TypedResults.Ok<IReadOnlyList<List>>(rows.Select(r => r.ToEntity()).ToList());
    }

    /// <summary>The members' posts the owner may see; replies as the list's policy says.</summary>
    private static async Task<Ok<IReadOnlyList<Status>>> ListTimeline(long id, HttpContext http, Caller caller, Db db, StatusViews views, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var list = await OwnAsync(connection, caller.Account, id, cancellationToken);
        var replies = list.RepliesPolicy switch
        {
            "none" => "(s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id)",
            "followed" => """
                (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id OR s.in_reply_to_account_id = @viewer
                 OR EXISTS (SELECT 1 FROM follows ff WHERE ff.account_id = @viewer AND ff.target_account_id = s.in_reply_to_account_id))
                """,
            _ => """
                (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id
                 OR s.in_reply_to_account_id IN (SELECT account_id FROM list_accounts WHERE list_id = @list))
                """,
        };
        return TypedResults.Ok(await Timeline.ReadAsync(http, connection, views, caller.Account,
            $"""
            SELECT s.id AS cursor, s.id AS status_id FROM statuses s
            WHERE s.account_id IN (SELECT account_id FROM list_accounts WHERE list_id = @list)
              AND {VisibleTo.Viewer("s")} AND {FeedFilter.Shown("s")} AND {replies}
            """, "s.id", new { list = list.Id }, cancellationToken, FilterContexts.Home));
    }

    private static async Task<ListRow> OwnAsync(System.Data.Common.DbConnection connection, long viewer, long id, CancellationToken cancellationToken, System.Data.Common.DbTransaction? transaction = null) =>
        await connection.QuerySingleOrDefaultAsync<ListRow>(connection.Command(
            $"SELECT {Columns} FROM lists l WHERE l.id = @id AND l.account_id = @viewer", new { id, viewer }, transaction, cancellationToken))
        ?? throw ApiException.NotFound();

    private static string? Title(string? title)
    {
        var trimmed = title?.Trim();
        if (string.IsNullOrEmpty(trimmed))
            return null;
        return trimmed.Length <= MaxTitle ? trimmed : throw ApiException.Unprocessable($"Validation failed: Title is too long (maximum is {MaxTitle} characters)");
    }

    private static string? RepliesPolicy(string? policy) =>
        string.IsNullOrEmpty(policy) ? null
        : RepliesPolicies.Contains(policy) ? policy
        : throw ApiException.Unprocessable("Validation failed: replies_policy must be followed, list or none");

    private static async Task<long[]> MemberIdsAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var ids = form.List("account_ids").Select(v => long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
            : throw ApiException.Unprocessable($"Validation failed: {v} is not an account id")).Distinct().ToArray();
        return ids.Length is > 0 and <= 500 ? ids : throw ApiException.Unprocessable("Validation failed: send between 1 and 500 account_ids");
    }
}
