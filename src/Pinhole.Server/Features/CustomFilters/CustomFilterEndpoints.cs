using System.Data.Common;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Streaming;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.CustomFilters;

/// <summary>
/// Mastodon's filters (v2): a person's named sets of keywords and posts, each applying in some contexts and
/// warning, hiding or blurring what matches. Only their owner sees them; someone else's filter is answered as one
/// that does not exist. Every change tells the owner's <c>user</c> streams (<c>filters_changed</c>). The v1 API is
/// read-only: each keyword in v1's shape, for clients from before Mastodon 4.0.
/// </summary>
public static class CustomFilterEndpoints
{
    public static RouteGroupBuilder MapCustomFilters(this RouteGroupBuilder api)
    {
        var filters = api.MapGroup("/v2/filters");
        filters.MapGet("/", All).RequireScope(Scopes.ReadFilters);
        filters.MapGet("/{id:long}", Get).RequireScope(Scopes.ReadFilters);
        filters.MapPost("/", Create).RequireScope(Scopes.WriteFilters);
        filters.MapPut("/{id:long}", Update).RequireScope(Scopes.WriteFilters);
        filters.MapDelete("/{id:long}", Delete).RequireScope(Scopes.WriteFilters);
        filters.MapGet("/{id:long}/keywords", FilterRuleEndpoints.Keywords).RequireScope(Scopes.ReadFilters);
        filters.MapPost("/{id:long}/keywords", FilterRuleEndpoints.AddKeyword).RequireScope(Scopes.WriteFilters);
        filters.MapGet("/keywords/{id:long}", FilterRuleEndpoints.GetKeyword).RequireScope(Scopes.ReadFilters);
        filters.MapPut("/keywords/{id:long}", FilterRuleEndpoints.UpdateKeyword).RequireScope(Scopes.WriteFilters);
        filters.MapDelete("/keywords/{id:long}", FilterRuleEndpoints.DeleteKeyword).RequireScope(Scopes.WriteFilters);
        filters.MapGet("/{id:long}/statuses", FilterRuleEndpoints.Statuses).RequireScope(Scopes.ReadFilters);
        filters.MapPost("/{id:long}/statuses", FilterRuleEndpoints.AddStatus).RequireScope(Scopes.WriteFilters);
        filters.MapGet("/statuses/{id:long}", FilterRuleEndpoints.GetStatus).RequireScope(Scopes.ReadFilters);
        filters.MapDelete("/statuses/{id:long}", FilterRuleEndpoints.DeleteStatus).RequireScope(Scopes.WriteFilters);
        api.MapGet("/v1/filters", V1All).RequireScope(Scopes.ReadFilters);
        api.MapGet("/v1/filters/{id:long}", V1Get).RequireScope(Scopes.ReadFilters);
        return api;
    }

    private static async Task<Ok<IReadOnlyList<Filter>>> All(Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var stored = await StoredFilters.LoadAsync(connection, caller.Account, null, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<Filter>>(stored.Select(s => s.ToEntity()).ToList());
    }

    private static async Task<Ok<Filter>> Get(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok((await StoredFilters.OwnAsync(connection, caller.Account, id, cancellationToken)).ToEntity());
    }

    private static async Task<Ok<Filter>> Create(HttpContext http, Caller caller, Db db, Snowflake ids, TimeProvider time, StreamEvents events, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var now = time.GetUtcNow();
        var change = FilterInput.Read(form, creating: true, now);
        var owner = caller.Account;
        var stored = await ChangeAsync(db, events, owner, async (connection, transaction) =>
        {
            if (await connection.ExecuteScalarAsync<long>(connection.Command(
                "SELECT COUNT(*) FROM filters WHERE account_id = @owner", new { owner }, transaction, cancellationToken)) >= FilterInput.MaxFilters)
                throw FilterInput.Invalid([$"You can have at most {FilterInput.MaxFilters} filters"]);
            var id = ids.NextId();
            await connection.ExecuteAsync(connection.Command(
                "INSERT INTO filters (id, account_id, title, context, action, expires_at, created_at) VALUES (@id, @owner, @title, @context, @action, @expiresAt, @now)",
                new { id, owner, title = change.Title, context = string.Join(',', change.Context!), action = change.Action, expiresAt = change.ExpiresAt, now = now.ToUnixTimeMilliseconds() },
                transaction, cancellationToken));
            return await SaveKeywordsAsync(connection, transaction, ids, owner, id, change.Keywords, now, cancellationToken);
        }, cancellationToken);
        return TypedResults.Ok(stored.ToEntity());
    }

    private static async Task<Ok<Filter>> Update(long id, HttpContext http, Caller caller, Db db, Snowflake ids, TimeProvider time, StreamEvents events, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var now = time.GetUtcNow();
        var change = FilterInput.Read(form, creating: false, now);
        var owner = caller.Account;
        var stored = await ChangeAsync(db, events, owner, async (connection, transaction) =>
        {
            var current = (await StoredFilters.OwnAsync(connection, owner, id, cancellationToken, transaction)).Filter;
            await connection.ExecuteAsync(connection.Command(
                "UPDATE filters SET title = @title, context = @context, action = @action, expires_at = @expiresAt WHERE id = @id",
                new
                {
                    id,
                    title = change.Title ?? current.Title,
                    context = change.Context is { } context ? string.Join(',', context) : current.Context,
                    action = change.Action ?? current.Action,
                    expiresAt = change.ChangesExpiry ? change.ExpiresAt : current.ExpiresAt,
                },
                transaction, cancellationToken));
            return await SaveKeywordsAsync(connection, transaction, ids, owner, id, change.Keywords, now, cancellationToken);
        }, cancellationToken);
        return TypedResults.Ok(stored.ToEntity());
    }

    private static async Task<Ok<EmptyObject>> Delete(long id, Caller caller, Db db, StreamEvents events, CancellationToken cancellationToken)
    {
        var owner = caller.Account;
        await ChangeAsync(db, events, owner, async (connection, transaction) =>
        {
            await StoredFilters.OwnAsync(connection, owner, id, cancellationToken, transaction);
            return await connection.ExecuteAsync(connection.Command("DELETE FROM filters WHERE id = @id", new { id }, transaction, cancellationToken));
        }, cancellationToken);
        return TypedResults.Ok(new EmptyObject());
    }

    /// <summary>
    /// Applies <c>keywords_attributes</c> to the filter: adds, changes or removes keywords (an id that is not one of
    /// this filter's keywords is a 404), and returns the filter as it now is.
    /// </summary>
    private static async Task<StoredFilter> SaveKeywordsAsync(DbConnection connection, DbTransaction transaction, Snowflake ids, long owner, long filterId, IReadOnlyList<KeywordChange> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var change in changes)
        {
            if (change.Id is not { } keywordId)
            {
                await connection.ExecuteAsync(connection.Command(
                    "INSERT INTO filter_keywords (id, filter_id, keyword, whole_word, created_at) VALUES (@id, @filterId, @Keyword, @wholeWord, @now)",
                    new { id = ids.NextId(), filterId, change.Keyword, wholeWord = change.WholeWord ?? true, now = now.ToUnixTimeMilliseconds() },
                    transaction, cancellationToken));
                continue;
            }
            var sql = change.Destroy
                ? "DELETE FROM filter_keywords WHERE id = @keywordId AND filter_id = @filterId"
                : "UPDATE filter_keywords SET keyword = COALESCE(@Keyword, keyword), whole_word = COALESCE(@WholeWord, whole_word) WHERE id = @keywordId AND filter_id = @filterId";
            if (await connection.ExecuteAsync(connection.Command(sql, new { keywordId, filterId, change.Keyword, change.WholeWord }, transaction, cancellationToken)) == 0)
                throw ApiException.NotFound();
        }
        var stored = await StoredFilters.OwnAsync(connection, owner, filterId, cancellationToken, transaction);
        if (stored.Keywords.Count > FilterInput.MaxRules)
            throw FilterInput.Invalid([$"A filter can have at most {FilterInput.MaxRules} keywords"]);
        return stored;
    }

    /// <summary>Changes the owner's filters in one transaction that also tells their <c>user</c> streams (<c>filters_changed</c>).</summary>
    internal static Task<T> ChangeAsync<T>(Db db, StreamEvents events, long owner, Func<DbConnection, DbTransaction, Task<T>> change, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var result = await change(connection, transaction);
            await events.AddAsync(connection, transaction, StreamEventKinds.FiltersChanged, owner, null, null, cancellationToken);
            return result;
        }, cancellationToken);

    private static async Task<Ok<IReadOnlyList<V1Filter>>> V1All(Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var stored = await StoredFilters.LoadAsync(connection, caller.Account, null, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<V1Filter>>(stored.SelectMany(s => s.Keywords.Select(k => V1(s.Filter, k))).ToList());
    }

    private static async Task<Ok<V1Filter>> V1Get(long id, Caller caller, Db db, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var stored = await StoredFilters.LoadAsync(connection, caller.Account, null, cancellationToken);
        return TypedResults.Ok(stored.SelectMany(s => s.Keywords.Where(k => k.Id == id).Select(k => V1(s.Filter, k))).SingleOrDefault() ?? throw ApiException.NotFound());
    }

    // A v1 filter is one keyword; "irreversible" was v1's word for hide.
    private static V1Filter V1(FilterRow filter, KeywordRow keyword) =>
        new(FilterRow.Text(keyword.Id), keyword.Keyword, filter.Contexts, keyword.WholeWord,
            filter.ExpiresAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null, filter.Action == FilterActions.Hide);
}
