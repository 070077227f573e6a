using System.Data.Common;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Streaming;

namespace Pinhole.Server.Features.Conversations;

/// <summary>
/// Direct conversations, kept per participant as on Mastodon: a direct post files itself, in the transaction that
/// publishes it, under its author's and each mentioned person's conversation for its thread and its set of
/// participants (a new set starts a new conversation). It is unread for everyone but its author. Someone who
/// blocks the author, or whom the author blocks, gets nothing, as with the mention's notification. Every change
/// reaches the owner's <c>direct</c> streams as a <c>conversation</c> event.
/// </summary>
public sealed class DirectConversations(Db db, Snowflake ids, StreamEvents events)
{
    public async Task AddAsync(DbConnection connection, DbTransaction transaction, long statusId, long author, long? parentId, IReadOnlyCollection<long> mentioned,
        CancellationToken cancellationToken)
    {
        var thread = parentId is { } parent ? await ThreadOfAsync(connection, transaction, parent, cancellationToken) : statusId;
        var recipients = mentioned.Count == 0 ? [] : (await connection.QueryAsync<long>(connection.Command(
            """
            SELECT a.id FROM accounts a WHERE a.id IN @mentioned AND a.id <> @author
              AND NOT EXISTS (SELECT 1 FROM blocks b WHERE (b.account_id = a.id AND b.target_account_id = @author)
                                                        OR (b.account_id = @author AND b.target_account_id = a.id))
            """, new { mentioned = mentioned.ToArray(), author }, transaction, cancellationToken))).ToList();
        var everyone = mentioned.Append(author).Distinct().ToList();
        foreach (var owner in recipients.Prepend(author))
        {
            var participants = string.Join(',', everyone.Where(a => a != owner).Order());
            var conversation = await connection.QuerySingleAsync<long>(connection.Command(
                """
                INSERT INTO conversations (id, account_id, thread_id, participant_ids, last_status_id, unread)
                VALUES (@id, @owner, @thread, @participants, @statusId, @unread)
                ON CONFLICT (account_id, thread_id, participant_ids) DO UPDATE SET last_status_id = @statusId, unread = @unread
                RETURNING id
                """,
                new { id = ids.NextId(), owner, thread, participants, statusId, unread = owner != author }, transaction, cancellationToken));
            await connection.ExecuteAsync(connection.Command(
                "INSERT INTO conversation_statuses (conversation_id, status_id) VALUES (@conversation, @statusId)", new { conversation, statusId }, transaction, cancellationToken));
            await events.AddAsync(connection, transaction, StreamEventKinds.Conversation, owner, statusId, null, cancellationToken);
        }
    }

    /// <summary>Marks the owner's conversation read; false when they have none by that id.</summary>
    public Task<bool> MarkReadAsync(long owner, long id, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) =>
        {
            var last = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                "UPDATE conversations SET unread = FALSE WHERE id = @id AND account_id = @owner RETURNING last_status_id", new { id, owner }, transaction, cancellationToken));
            if (last is { } statusId)
                await events.AddAsync(connection, transaction, StreamEventKinds.Conversation, owner, statusId, null, cancellationToken);
            return last is not null;
        }, cancellationToken);

    /// <summary>Takes the conversation off its owner's list (a later post in the thread brings it back); false when they have none by that id.</summary>
    public Task<bool> RemoveAsync(long owner, long id, CancellationToken cancellationToken) =>
        db.WriteAsync(async (connection, transaction) => await connection.ExecuteAsync(connection.Command(
            "DELETE FROM conversations WHERE id = @id AND account_id = @owner", new { id, owner }, transaction, cancellationToken)) == 1, cancellationToken);

    private sealed class Holder
    {
        public long Id { get; init; }
        public long AccountId { get; init; }
        public long LastStatusId { get; init; }
        public long? Previous { get; init; }
    }

    /// <summary>
    /// A deleted post leaves its conversations (called in the deleting transaction): one whose last post it was falls
    /// back to the post before, and its owner's streams hear of it; one with no post left goes.
    /// </summary>
    public static async Task RemoveStatusAsync(DbConnection connection, DbTransaction transaction, StreamEvents events, long statusId, CancellationToken cancellationToken)
    {
        var holders = await connection.QueryAsync<Holder>(connection.Command(
            """
            SELECT c.id, c.account_id, c.last_status_id,
                   (SELECT MAX(o.status_id) FROM conversation_statuses o WHERE o.conversation_id = c.id AND o.status_id <> @statusId) AS previous
            FROM conversation_statuses cs JOIN conversations c ON c.id = cs.conversation_id
            WHERE cs.status_id = @statusId
            """, new { statusId }, transaction, cancellationToken));
        foreach (var holder in holders)
        {
            if (holder.Previous is not { } previous)
            {
                await connection.ExecuteAsync(connection.Command("DELETE FROM conversations WHERE id = @Id", new { holder.Id }, transaction, cancellationToken));
            }
            else if (holder.LastStatusId == statusId)
            {
                await connection.ExecuteAsync(connection.Command(
                    "UPDATE conversations SET last_status_id = @previous WHERE id = @Id", new { holder.Id, previous }, transaction, cancellationToken));
                await events.AddAsync(connection, transaction, StreamEventKinds.Conversation, holder.AccountId, previous, null, cancellationToken);
            }
        }
    }

    /// <summary>The first post of the thread <paramref name="parentId"/> is in (replies whose parent is gone start from where the chain breaks).</summary>
    private static Task<long> ThreadOfAsync(DbConnection connection, DbTransaction transaction, long parentId, CancellationToken cancellationToken) =>
        connection.QuerySingleAsync<long>(connection.Command(
            """
            WITH RECURSIVE chain (id, in_reply_to_id, depth) AS (
                SELECT id, in_reply_to_id, 0 FROM statuses WHERE id = @parentId
                UNION ALL
                SELECT p.id, p.in_reply_to_id, c.depth + 1 FROM statuses p JOIN chain c ON p.id = c.in_reply_to_id WHERE c.depth < 1000
            )
            SELECT id FROM chain ORDER BY depth DESC LIMIT 1
            """, new { parentId }, transaction, cancellationToken));
}
