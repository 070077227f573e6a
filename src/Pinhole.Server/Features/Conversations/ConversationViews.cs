using System.Data.Common;
using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Conversations;

/// <summary>
/// Reads a person's conversations as they should see them now: only those whose last post they may still see,
/// and not one whose last post is by someone they block or mute.
/// </summary>
public sealed class ConversationViews(AccountViews accounts, StatusViews statuses)
{
    public sealed class Row
    {
        public const string Columns = "c.id, c.participant_ids, c.last_status_id, c.unread";

        public long Id { get; init; }
        public string ParticipantIds { get; init; } = "";
        public long LastStatusId { get; init; }
        public bool Unread { get; init; }

        public IEnumerable<long> Participants =>
            ParticipantIds.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => long.Parse(p, CultureInfo.InvariantCulture));
    }

    /// <summary>SQL conditions over <c>conversations c</c> for <c>@viewer</c> at <c>@now</c>.</summary>
    public static string Shown =>
        $"""
        c.account_id = @viewer
        AND EXISTS (SELECT 1 FROM statuses s WHERE s.id = c.last_status_id AND {VisibleTo.Viewer("s")} AND {FeedFilter.Shown("s")})
        """;

    /// <summary>The viewer's conversation <paramref name="id"/>, or the one holding <paramref name="statusId"/>, if they are shown it.</summary>
    public async Task<Conversation?> FindAsync(DbConnection connection, long viewer, long? id, long? statusId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(connection.Command(
            $"""
            SELECT {Row.Columns} FROM conversations c
            WHERE {Shown} AND (c.id = @id OR EXISTS (SELECT 1 FROM conversation_statuses cs WHERE cs.conversation_id = c.id AND cs.status_id = @statusId))
            """,
            new { viewer, id = id ?? 0, statusId = statusId ?? 0, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        return row is null ? null : (await RenderAsync(connection, viewer, [row], cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<Conversation>> RenderAsync(DbConnection connection, long viewer, IReadOnlyList<Row> rows, CancellationToken cancellationToken)
    {
        var people = await accounts.LoadAsync(connection, rows.SelectMany(r => r.Participants), cancellationToken);
        var posts = (await statuses.RenderAsync(connection, viewer, rows.Select(r => r.LastStatusId).Distinct().ToList(), cancellationToken))
            .ToDictionary(s => long.Parse(s.Id, CultureInfo.InvariantCulture));
        return rows
            .Where(r => posts.ContainsKey(r.LastStatusId))
            .Select(r => new Conversation(
                r.Id.ToString(CultureInfo.InvariantCulture), r.Unread, r.Participants.Where(people.ContainsKey).Select(p => people[p]).ToList(), posts[r.LastStatusId]))
            .ToList();
    }
}
