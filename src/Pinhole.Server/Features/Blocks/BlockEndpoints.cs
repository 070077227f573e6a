using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Follows;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Blocks;

public static class BlockEndpoints
{
    public static IServiceCollection AddBlocks(this IServiceCollection services) => services.AddSingleton<Blocks>();

    public static RouteGroupBuilder MapBlocks(this RouteGroupBuilder api)
    {
        api.MapPost("/v1/accounts/{id:long}/block", Block).RequireScope(Scopes.WriteBlocks);
        api.MapPost("/v1/accounts/{id:long}/unblock", Unblock).RequireScope(Scopes.WriteBlocks);
        api.MapPost("/v1/accounts/{id:long}/mute", Mute).RequireScope(Scopes.WriteMutes);
        api.MapPost("/v1/accounts/{id:long}/unmute", Unmute).RequireScope(Scopes.WriteMutes);
        api.MapGet("/v1/blocks", ListBlocks).RequireScope(Scopes.ReadBlocks);
        api.MapGet("/v1/mutes", ListMutes).RequireScope(Scopes.ReadMutes);
        return api;
    }

    private static async Task<Ok<Relationship>> Block(long id, Caller caller, Blocks blocks, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        await blocks.BlockAsync(caller.Account, id, cancellationToken);
        return await FollowEndpoints.RelationshipAsync(db, time, caller.Account, id, cancellationToken);
    }

    private static async Task<Ok<Relationship>> Unblock(long id, Caller caller, Blocks blocks, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        await blocks.UnblockAsync(caller.Account, id, cancellationToken);
        return await FollowEndpoints.RelationshipAsync(db, time, caller.Account, id, cancellationToken);
    }

    private static async Task<Ok<Relationship>> Mute(long id, HttpContext http, Caller caller, Blocks blocks, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        var form = await RequestParams.ReadAsync(http.Request, cancellationToken);
        var seconds = form.Id("duration") ?? 0;
        if (seconds is < 0 or > 10L * 365 * 24 * 3600)
            throw ApiException.Unprocessable("Validation failed: duration must be a number of seconds between 0 (for ever) and ten years");
        await blocks.MuteAsync(caller.Account, id, form.Bool("notifications") ?? true, TimeSpan.FromSeconds(seconds), cancellationToken);
        return await FollowEndpoints.RelationshipAsync(db, time, caller.Account, id, cancellationToken);
    }

    private static async Task<Ok<Relationship>> Unmute(long id, Caller caller, Blocks blocks, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        await blocks.UnmuteAsync(caller.Account, id, cancellationToken);
        return await FollowEndpoints.RelationshipAsync(db, time, caller.Account, id, cancellationToken);
    }

    private static async Task<Ok<IReadOnlyList<Account>>> ListBlocks(HttpContext http, Caller caller, Db db, AccountViews accounts, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await AccountPage.ReadAsync(http, connection, accounts,
            "SELECT b.id AS cursor, b.target_account_id AS account_id FROM blocks b WHERE b.account_id = @viewer", "b.id",
            new { viewer = caller.Account }, cancellationToken));
    }

    private static async Task<Ok<IReadOnlyList<Account>>> ListMutes(HttpContext http, Caller caller, Db db, AccountViews accounts, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await AccountPage.ReadAsync(http, connection, accounts,
            "SELECT m.id AS cursor, m.target_account_id AS account_id FROM mutes m WHERE m.account_id = @viewer AND (m.expires_at IS NULL OR m.expires_at > @now)", "m.id",
            new { viewer = caller.Account, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken));
    }
}
