using System.Data.Common;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Features.Streaming;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.CustomFilters;

/// <summary>
/// A filter's keywords and posts, one at a time (the routes are in <see cref="CustomFilterEndpoints"/>). A keyword or
/// post of someone else's filter is answered as one that does not exist, and so is a post the owner cannot see.
/// </summary>
internal static class FilterRuleEndpoints
{
    public static async Task<Ok<IReadOnlyList<FilterKeyword>>> Keywords(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var stored = await StoredFilters.OwnAsync(connection, caller.Account, id, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<FilterKeyword>>(stored.Keywords.Select(k => k.ToEntity()).ToList());
    }

    public static async Task<Ok<FilterKeyword>> AddKeyword(long id, HttpContext http, Caller caller, Db db, Snowflake ids, TimeProvider time, StreamEvents events,
        CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var keyword = new KeywordRow { Id = ids.NextId(), FilterId = id, Keyword = FilterInput.Keyword(form, required: true)!, WholeWord = form.Bool("whole_word") ?? true };
        await CustomFilterEndpoints.ChangeAsync(db, events, caller.Account, async (connection, transaction) =>
        {
            var stored = await StoredFilters.OwnAsync(connection, caller.Account, id, cancellationToken, transaction);
            if (stored.Keywords.Count >= FilterInput.MaxRules)
                throw FilterInput.Invalid([$"A filter can have at most {FilterInput.MaxRules} keywords"]);
            return await connection.ExecuteAsync(connection.Command(
                "INSERT INTO filter_keywords (id, filter_id, keyword, whole_word, created_at) VALUES (@Id, @FilterId, @Keyword, @WholeWord, @now)",
                new { keyword.Id, keyword.FilterId, keyword.Keyword, keyword.WholeWord, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken));
        }, cancellationToken);
        return TypedResults.Ok(keyword.ToEntity());
    }

    public static async Task<Ok<FilterKeyword>> GetKeyword(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok((await OwnKeywordAsync(connection, caller.Account, id, cancellationToken)).ToEntity());
    }

    public static async Task<Ok<FilterKeyword>> UpdateKeyword(long id, HttpContext http, Caller caller, Db db, StreamEvents events, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var keyword = FilterInput.Keyword(form, required: false);
        var wholeWord = form.Bool("whole_word");
        var updated = await CustomFilterEndpoints.ChangeAsync(db, events, caller.Account, async (connection, transaction) =>
        {
            var current = await OwnKeywordAsync(connection, caller.Account, id, cancellationToken, transaction);
            var row = new KeywordRow { Id = id, FilterId = current.FilterId, Keyword = keyword ?? current.Keyword, WholeWord = wholeWord ?? current.WholeWord };
            await connection.ExecuteAsync(connection.Command(
                "UPDATE filter_keywords SET keyword = @Keyword, whole_word = @WholeWord WHERE id = @Id", new { row.Id, row.Keyword, row.WholeWord }, transaction, cancellationToken));
            return row;
        }, cancellationToken);
        return TypedResults.Ok(updated.ToEntity());
    }

    public static async Task<Ok<EmptyObject>> DeleteKeyword(long id, Caller caller, Db db, StreamEvents events, CancellationToken cancellationToken)
    {
        await CustomFilterEndpoints.ChangeAsync(db, events, caller.Account, async (connection, transaction) =>
        {
            await OwnKeywordAsync(connection, caller.Account, id, cancellationToken, transaction);
            return await connection.ExecuteAsync(connection.Command("DELETE FROM filter_keywords WHERE id = @id", new { id }, transaction, cancellationToken));
        }, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    public static async Task<Ok<IReadOnlyList<FilterStatus>>> Statuses(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var stored = await StoredFilters.OwnAsync(connection, caller.Account, id, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<FilterStatus>>(stored.Statuses.Select(s => s.ToEntity()).ToList());
    }

    /// <summary>Adds a post to the filter: one the owner can see, once.</summary>
    public static async Task<Ok<FilterStatus>> AddStatus(long id, HttpContext http, Caller caller, Db db, Snowflake ids, TimeProvider time, StreamEvents events,
        CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var statusId = form.Id("status_id") ?? throw FilterInput.Invalid(["Status can't be blank"]);
        var row = new FilterStatusRow { Id = ids.NextId(), FilterId = id, StatusId = statusId };
        await CustomFilterEndpoints.ChangeAsync(db, events, caller.Account, async (connection, transaction) =>
        {
            var stored = await StoredFilters.OwnAsync(connection, caller.Account, id, cancellationToken, transaction);
            await StatusEndpoints.EnsureVisibleAsync(connection, caller.Account, statusId, cancellationToken, transaction);
            if (stored.Statuses.Any(s => s.StatusId == statusId))
                throw FilterInput.Invalid(["Status has already been taken"]);
            if (stored.Statuses.Count >= FilterInput.MaxRules)
                throw FilterInput.Invalid([$"A filter can have at most {FilterInput.MaxRules} posts"]);
            return await connection.ExecuteAsync(connection.Command(
                "INSERT INTO filter_statuses (id, filter_id, status_id, created_at) VALUES (@Id, @FilterId, @StatusId, @now)",
                new { row.Id, row.FilterId, row.StatusId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, transaction, cancellationToken));
        }, cancellationToken);
        return TypedResults.Ok(row.ToEntity());
    }

    public static async Task<Ok<FilterStatus>> GetStatus(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok((await OwnStatusAsync(connection, caller.Account, id, cancellationToken)).ToEntity());
    }

    public static async Task<Ok<EmptyObject>> DeleteStatus(long id, Caller caller, Db db, StreamEvents events, CancellationToken cancellationToken)
    {
        await CustomFilterEndpoints.ChangeAsync(db, events, caller.Account, async (connection, transaction) =>
        {
            await OwnStatusAsync(connection, caller.Account, id, cancellationToken, transaction);
            return await connection.ExecuteAsync(connection.Command("DELETE FROM filter_statuses WHERE id = @id", new { id }, transaction, cancellationToken));
        }, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    private static async Task<KeywordRow> OwnKeywordAsync(DbConnection connection, long owner, long id, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        await connection.QuerySingleOrDefaultAsync<KeywordRow>(connection.Command(
            $"SELECT {KeywordRow.Columns} FROM filter_keywords k JOIN filters f ON f.id = k.filter_id WHERE k.id = @id AND f.account_id = @owner",
            new { id, owner }, transaction, cancellationToken)) ?? throw ApiException.NotFound();

    private static async Task<FilterStatusRow> OwnStatusAsync(DbConnection connection, long owner, long id, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        await connection.QuerySingleOrDefaultAsync<FilterStatusRow>(connection.Command(
            $"SELECT {FilterStatusRow.Columns} FROM filter_statuses fs JOIN filters f ON f.id = fs.filter_id WHERE fs.id = @id AND f.account_id = @owner",
            new { id, owner }, transaction, cancellationToken)) ?? throw ApiException.NotFound();
}
