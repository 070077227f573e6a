using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Tags;

public static class TagEndpoints
{
    public static IServiceCollection AddTags(this IServiceCollection services) => services.AddSingleton<TagViews>().AddSingleton<Trends>();

    public static RouteGroupBuilder MapTags(this RouteGroupBuilder api)
    {
        api.MapGet("/v1/tags/{name}", Get).AllowAnonymous(Scopes.ReadFollows);
        api.MapPost("/v1/tags/{name}/follow", Follow).RequireScope(Scopes.WriteFollows);
        api.MapPost("/v1/tags/{name}/unfollow", Unfollow).RequireScope(Scopes.WriteFollows);
        api.MapGet("/v1/followed_tags", Followed).RequireScope(Scopes.ReadFollows);
        api.MapGet("/v1/trends", TrendingTags).AllowAnonymous(Scopes.Read);
        api.MapGet("/v1/trends/tags", TrendingTags).AllowAnonymous(Scopes.Read);
        api.MapGet("/v1/trends/statuses", TrendingStatuses).AllowAnonymous(Scopes.Read);
        return api;
    }

    private static async Task<Ok<Tag>> Get(string name, Caller caller, Db db, TagViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var tag = (TryNormalize(name) is { } normalized ? await TagViews.FindAsync(connection, normalized, cancellationToken) : null)
            ?? throw ApiException.NotFound();
        return TypedResults.Ok((await views.RenderAsync(connection, caller.AccountId ?? 0, [tag], time.GetUtcNow(), cancellationToken))[0]);
    }

    /// <summary>Following a tag that was never used creates it, so its posts start reaching the follower's home at once.</summary>
    private static async Task<Ok<Tag>> Follow(string name, Caller caller, Db db, Snowflake ids, TagViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        var normalized = Normalize(name);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO tags (id, name, created_at) VALUES (@tagId, @normalized, @now) ON CONFLICT (name) DO NOTHING;
            INSERT INTO tag_follows (id, account_id, tag_id, created_at)
            SELECT @followId, @viewer, id, @now FROM tags WHERE name = @normalized
            ON CONFLICT (account_id, tag_id) DO NOTHING;
            """,
            new { tagId = ids.NextId(), followId = ids.NextId(), normalized, viewer = caller.Account, now }, transaction, cancellationToken)), cancellationToken);
        return await Get(normalized, caller, db, views, time, cancellationToken);
    }

    private static async Task<Ok<Tag>> Unfollow(string name, Caller caller, Db db, TagViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        var normalized = Normalize(name);
        await db.WriteAsync(async (connection, transaction) =>
        {
            var tag = await TagViews.FindAsync(connection, normalized, cancellationToken, transaction) ?? throw ApiException.NotFound();
            await connection.ExecuteAsync(connection.Command(
                "DELETE FROM tag_follows WHERE account_id = @viewer AND tag_id = @id", new { viewer = caller.Account, id = tag.Id }, transaction, cancellationToken));
        }, cancellationToken);
        return await Get(normalized, caller, db, views, time, cancellationToken);
    }

    private sealed class FollowedRow
    {
        public long Cursor { get; init; }
        public long Id { get; init; }
        public string Name { get; init; } = "";
    }

    private static async Task<Ok<IReadOnlyList<Tag>>> Followed(HttpContext http, Caller caller, Db db, TagViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        var page = Page.From(http.Request, defaultLimit: 100, maxLimit: 200);
        await using var connection = await db.OpenAsync(cancellationToken);
        var rows = page.Newest(await connection.QueryAsync<FollowedRow>(connection.Command(
            $"""
            SELECT f.id AS cursor, t.id, t.name FROM tag_follows f JOIN tags t ON t.id = f.tag_id
            WHERE f.account_id = @viewer {page.Bounds("f.id")} ORDER BY {page.OrderBy("f.id")} LIMIT @page_limit
            """, page.AddTo(new DynamicParameters(new { viewer = caller.Account })), cancellationToken: cancellationToken)));
        PageLinks.Add(http, rows.FirstOrDefault()?.Cursor, rows.LastOrDefault()?.Cursor);
        return TypedResults.Ok(await views.RenderAsync(connection, caller.Account, rows.Select(r => new TagRef(r.Id, r.Name)).ToList(), time.GetUtcNow(), cancellationToken));
    }

    private static async Task<Ok<IReadOnlyList<Tag>>> TrendingTags(HttpContext http, Caller caller, Db db, Trends trends, TagViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        var (limit, offset) = Window(http, defaultLimit: 10, maxLimit: 20);
        var snapshot = await trends.CurrentAsync(cancellationToken);
        await using var connection = await db.OpenAsync(cancellationToken);
        return TypedResults.Ok(await views.RenderAsync(connection, caller.AccountId ?? 0, snapshot.Tags.Skip(offset).Take(limit).ToList(), time.GetUtcNow(), cancellationToken));
    }

    private static async Task<Ok<IReadOnlyList<Status>>> TrendingStatuses(HttpContext http, Caller caller, Db db, Trends trends, StatusViews views, TimeProvider time, CancellationToken cancellationToken)
    {
        var (limit, offset) = Window(http, defaultLimit: 20, maxLimit: 40);
        var viewer = caller.AccountId ?? 0;
        var snapshot = await trends.CurrentAsync(cancellationToken);
        if (snapshot.StatusIds.Count == 0)
            return TypedResults.Ok<IReadOnlyList<Status>>([]);
        await using var connection = await db.OpenAsync(cancellationToken);
        var shown = (await connection.QueryAsync<long>(connection.Command(
            $"SELECT s.id FROM statuses s WHERE s.id IN @ids AND {VisibleTo.Viewer("s")} AND {FeedFilter.Shown("s")}",
            new { ids = snapshot.StatusIds, viewer, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken))).ToHashSet();
        var page = snapshot.StatusIds.Where(shown.Contains).Skip(offset).Take(limit).ToList();
        return TypedResults.Ok(await views.RenderAsync(connection, viewer, page, cancellationToken));
    }

    private static (int Limit, int Offset) Window(HttpContext http, int defaultLimit, int maxLimit)
    {
        var query = RequestParams.FromQuery(http.Request.Query);
        var limit = query.Id("limit") is { } l ? (int)Math.Clamp(l, 1, maxLimit) : defaultLimit;
        var offset = query.Id("offset") is { } o ? (int)Math.Clamp(o, 0, Trends.Size) : 0;
        return (limit, offset);
    }

    private static string Normalize(string name) =>
        TryNormalize(name) ?? throw ApiException.Unprocessable("Validation failed: not a valid hashtag");

    /// <summary>The tag's normalized name, or null when the text is not one hashtag.</summary>
    private static string? TryNormalize(string name)
    {
        var normalized = StatusText.NormalizeTag(name.TrimStart('#'));
        return normalized.Length is > 0 and <= 100 && StatusText.Parse("#" + normalized).Tags is [var parsed] && parsed == normalized
            ? normalized
            : null;
    }
}
