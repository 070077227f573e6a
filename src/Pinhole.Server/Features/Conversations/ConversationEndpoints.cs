using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Conversations;

/// <summary>Mastodon's conversations: a person's direct threads, newest post first, each with the others in it and whether it is unread.</summary>
public static class ConversationEndpoints
{
    public static IServiceCollection AddConversations(this IServiceCollection services) =>
        services.AddSingleton<DirectConversations>().AddSingleton<ConversationViews>();

    public static RouteGroupBuilder MapConversations(this RouteGroupBuilder api)
    {
        var conversations = api.MapGroup("/v1/conversations");
        conversations.MapGet("/", List).RequireScope(Scopes.ReadStatuses);
        conversations.MapDelete("/{id:long}", Remove).RequireScope(Scopes.WriteConversations);
        conversations.MapPost("/{id:long}/read", Read).RequireScope(Scopes.WriteConversations);
        return api;
    }

    /// <summary>Paged, as on Mastodon, by the id of each conversation's last post.</summary>
    private static async Task<Ok<IReadOnlyList<Conversation>>> List(HttpContext http, Caller caller, Db db, ConversationViews views, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var page = Page.From(http.Request);
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = page.Newest(await connection.QueryAsync<ConversationViews.Row>(connection.Command(
            $"""
            SELECT {ConversationViews.Row.Columns} FROM conversations c
            WHERE {ConversationViews.Shown} {page.Bounds("c.last_status_id")}
            ORDER BY {page.OrderBy("c.last_status_id")} LIMIT @page_limit
            """,
            page.AddTo(new DynamicParameters(new { viewer = caller.Account, now = time.GetUtcNow().ToUnixTimeMilliseconds() })), cancellationToken: cancellationToken)));
        PageLinks.Add(http, rows.FirstOrDefault()?.LastStatusId, rows.LastOrDefault()?.LastStatusId);
        return TypedResults.Ok(await views.RenderAsync(connection, caller.Account, rows, cancellationToken));
    }

    private static async Task<Ok<EmptyObject>> Remove(long id, Caller caller, DirectConversations conversations, CancellationToken cancellationToken) =>
        await conversations.RemoveAsync(caller.Account, id, cancellationToken) ? TypedResults.Ok(new EmptyObject()) : throw ApiException.NotFound();

    private static async Task<Ok<Conversation>> Read(long id, Caller caller, DirectConversations conversations, Db db, ConversationViews views, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!await conversations.MarkReadAsync(caller.Account, id, cancellationToken))
            throw ApiException.NotFound();
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await views.FindAsync(connection, caller.Account, id, null, time.GetUtcNow(), cancellationToken) ?? throw ApiException.NotFound());
    }
}
