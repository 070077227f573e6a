using System.Data.Common;
using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Tags;

public sealed record TagRef(long Id, string Name);

/// <summary>Renders tags as Mastodon Tag entities, with their seven-day history and whether the viewer follows them.</summary>
public sealed class TagViews(PublicUrl urls)
{
    private sealed class TagRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
    }

    public static async Task<TagRef?> FindAsync(DbConnection connection, string normalizedName, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        var row = await connection.QuerySingleOrDefaultAsync<TagRow>(connection.Command(
            "SELECT id, name FROM tags WHERE name = @normalizedName", new { normalizedName }, transaction, cancellationToken));
        return row is null ? null : new TagRef(row.Id, row.Name);
    }

    /// <summary>The tags in the given order; history for all of them in one query.</summary>
    public async Task<IReadOnlyList<Tag>> RenderAsync(DbConnection connection, long viewer, IReadOnlyList<TagRef> tags, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (tags.Count == 0)
            return [];
        var ids = tags.Select(t => t.Id).ToArray();
        var uses = (await connection.QueryAsync<TagUse>(connection.Command(
            """
            SELECT st.tag_id, st.status_id, s.account_id FROM status_tags st JOIN statuses s ON s.id = st.status_id
            WHERE st.tag_id IN @ids AND st.status_id >= @since AND s.visibility = 0
            """, new { ids, since = TagUsage.Since(now) }, cancellationToken: cancellationToken))).ToLookup(u => u.TagId);
        return Render(tags, id => uses[id], await FollowedAsync(connection, viewer, ids, cancellationToken), viewer, now);
    }

    /// <summary>Tags whose uses are already known (the trends), needing only the viewer's follows.</summary>
    public async Task<IReadOnlyList<Tag>> RenderAsync(DbConnection connection, long viewer, IReadOnlyList<TrendingTag> tags, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var uses = tags.ToDictionary(t => t.Id, t => t.Uses);
        var followed = await FollowedAsync(connection, viewer, tags.Select(t => t.Id).ToArray(), cancellationToken);
        return Render(tags.Select(t => new TagRef(t.Id, t.Name)).ToList(), id => uses[id], followed, viewer, now);
    }

    private List<Tag> Render(IReadOnlyList<TagRef> tags, Func<long, IEnumerable<TagUse>> usesOf, HashSet<long> followed, long viewer, DateTimeOffset now) =>
        tags.Select(t => new Tag
        {
            Id = t.Id.ToString(CultureInfo.InvariantCulture),
            Name = t.Name,
            Url = urls.Tag(t.Name),
            History = TagUsage.History(usesOf(t.Id), now),
            Following = viewer == 0 ? null : followed.Contains(t.Id),
        }).ToList();

    private static async Task<HashSet<long>> FollowedAsync(DbConnection connection, long viewer, long[] ids, CancellationToken cancellationToken) =>
        viewer == 0 || ids.Length == 0
            ? []
            : (await connection.QueryAsync<long>(connection.Command(
                "SELECT tag_id FROM tag_follows WHERE account_id = @viewer AND tag_id IN @ids", new { viewer, ids }, cancellationToken: cancellationToken))).ToHashSet();
}
