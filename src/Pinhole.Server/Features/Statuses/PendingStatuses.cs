using System.Data.Common;
using System.Text.Json;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Features.Organizations;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Statuses;

/// <summary>
/// Posts written before their media were ready, when the client asked to wait (Pinhole's extension; Mastodon
/// refuses them): someone can press "post" and walk away. A held post is published, with an id of the moment it
/// goes out, by whichever comes last of the post and its media; claiming the held row and creating the post happen
/// in one transaction, so it is published exactly once. If a media fails, the held post keeps the reason.
/// </summary>
public sealed partial class PendingStatuses(Db db, Snowflake ids, TimeProvider time, StatusPosting posting, MediaSources sources, OrganizationSubmissions submissions,
    ILogger<PendingStatuses> logger)
{
    public sealed class Row
    {
        public long Id { get; init; }
        public long AccountId { get; init; }
        public string Params { get; init; } = "{}";
        public string? Failure { get; init; }
        public long CreatedAt { get; init; }

        public NewStatus Request => JsonSerializer.Deserialize(Params, MastodonJson.Default.NewStatus)!;
    }

    public const string Columns = "p.id, p.account_id, p.params, p.failure, p.created_at";

    /// <summary>The idempotency-key scope under which a published held post points to its post.</summary>
    public const string HeldScope = "held";

    public static string HeldKey(long heldId) => heldId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The post a held post became, if it has been published.</summary>
    public static Task<long?> PublishedAsAsync(DbConnection connection, long author, long heldId, CancellationToken cancellationToken) =>
        connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
            "SELECT result_id FROM idempotency_keys WHERE account_id = @author AND scope = @scope AND key = @key",
            new { author, scope = HeldScope, key = HeldKey(heldId) }, cancellationToken: cancellationToken));

    /// <summary>Holds a post; returns the held post's id, or the post's if it went out at once (its media finished meanwhile).</summary>
    public async Task<(long Id, bool Published)> HoldAsync(long author, NewStatus request, IReadOnlyList<long> waitingFor, CancellationToken cancellationToken)
    {
        var held = await db.WriteAsync(async (connection, transaction) =>
        {
            if (request.IdempotencyKey is { } key)
            {
                var earlier = await connection.QuerySingleOrDefaultAsync<long?>(connection.Command(
                    "SELECT id FROM pending_statuses WHERE account_id = @author AND idempotency_key = @key",
                    new { author, key }, transaction, cancellationToken));
                if (earlier is not null)
                    return earlier.Value;
            }
            var id = ids.NextId();
            await connection.ExecuteAsync(connection.Command(
                """
                INSERT INTO pending_statuses (id, account_id, params, idempotency_key, created_at) VALUES (@id, @author, @json, @key, @now);
                INSERT INTO pending_status_media (pending_status_id, media_id) SELECT @id, id FROM media_attachments WHERE id IN @waitingFor;
                """,
                new { id, author, json = JsonSerializer.Serialize(request, MastodonJson.Default.NewStatus), key = request.IdempotencyKey, now = time.GetUtcNow().ToUnixTimeMilliseconds(), waitingFor },
                transaction, cancellationToken));
            return id;
        }, cancellationToken);
        // The media may have finished between the check and the hold; then publishing is ours to do.
        return await TryPublishAsync(held, cancellationToken) is { } published ? (published, true) : (held, false);
    }

    /// <summary>After a media is ready: publish every held post whose media are now all ready.</summary>
    public async Task PublishWaitingOnAsync(long mediaId, CancellationToken cancellationToken)
    {
        foreach (var held in await WaitingOnAsync(mediaId, cancellationToken))
            await TryPublishAsync(held, cancellationToken);
    }

    /// <summary>After a media failed: the held posts waiting for it will not go out; they keep the reason.</summary>
    public Task FailWaitingOnAsync(long mediaId, string reason, CancellationToken cancellationToken) =>
        db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
            """
            UPDATE pending_statuses SET failure = @failure
            WHERE id IN (SELECT pending_status_id FROM pending_status_media WHERE media_id = @mediaId)
            """,
            new { mediaId, failure = $"media {mediaId} could not be processed: {reason}" }, transaction, cancellationToken)), cancellationToken);

    private async Task<IEnumerable<long>> WaitingOnAsync(long mediaId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.QueryAsync<long>(connection.Command(
            "SELECT pending_status_id FROM pending_status_media WHERE media_id = @mediaId", new { mediaId }, cancellationToken: cancellationToken));
    }

    /// <summary>Publishes a held post if all its media are ready; returns the new post's id, or null if not (yet) or someone else did.</summary>
    private async Task<long?> TryPublishAsync(long heldId, CancellationToken cancellationToken)
    {
        long? published;
        try
        {
            published = await db.WriteAsync(async (connection, transaction) =>
            {
                var waiting = await connection.ExecuteScalarAsync<long>(connection.Command(
                    """
                    SELECT COUNT(*) FROM pending_status_media pm JOIN media_attachments m ON m.id = pm.media_id
                    WHERE pm.pending_status_id = @heldId AND m.state <> 'ready'
                    """, new { heldId }, transaction, cancellationToken));
                if (waiting > 0)
                    return (long?)null;
                var claimed = await connection.QuerySingleOrDefaultAsync<Row>(connection.Command(
                    "DELETE FROM pending_statuses WHERE id = @heldId RETURNING id, account_id, params, failure, created_at", new { heldId }, transaction, cancellationToken));
                if (claimed is null)
                    return null;
                long id;
                try
                {
                    id = await posting.CreateInAsync(connection, transaction, claimed.AccountId, claimed.Request, cancellationToken);
                }
                catch (ReviewRequiredException)
                {
                    // The organisation began reviewing contributors while this waited for its media: it waits for an editor now.
                    await submissions.SubmitInAsync(connection, transaction, claimed.AccountId, claimed.Request, cancellationToken);
                    return null;
                }
                // Remembered like an idempotency key, so whoever asks about the held post afterwards finds the post.
                await connection.ExecuteAsync(connection.Command(
                    "INSERT INTO idempotency_keys (account_id, scope, key, result_id, created_at) VALUES (@author, @scope, @key, @id, @now) ON CONFLICT DO NOTHING",
                    new { author = claimed.AccountId, scope = HeldScope, key = HeldKey(heldId), id, now = time.GetUtcNow().ToUnixTimeMilliseconds() },
                    transaction, cancellationToken));
                return id;
            }, cancellationToken);
        }
        catch (ApiException refused)
        {
            // The post became impossible while it waited (its reply target was deleted, say): it keeps the reason.
            await db.WriteAsync((connection, transaction) => connection.ExecuteAsync(connection.Command(
                "UPDATE pending_statuses SET failure = @error WHERE id = @heldId", new { heldId, error = refused.Message }, transaction, cancellationToken)), cancellationToken);
            LogRefused(logger, heldId, refused.Message);
            return null;
        }
        if (published is { } id)
            await sources.ReleaseAsync(id, cancellationToken);
        return published;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Held post {HeldId} could not be published: {Reason}")]
    private static partial void LogRefused(ILogger logger, long heldId, string reason);
}
