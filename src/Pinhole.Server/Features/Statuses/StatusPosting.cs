using System.Data.Common;
using Dapper;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Features.Conversations;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Features.Notifications;
using Pinhole.Server.Features.Organizations;
using Pinhole.Server.Features.Places;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;

using Pinhole.Server.Features.Streaming;

namespace Pinhole.Server.Features.Statuses;

public sealed record NewStatus(
    string? Text,
    IReadOnlyList<long> MediaIds,
    long? InReplyToId,
    bool? Sensitive,
    string? SpoilerText,
    Visibility? Visibility,
    string? Language,
    string? IdempotencyKey,
    long? ApplicationId,
    long? ActAs = null,
    long? PlaceId = null,
    PlaceSpec? Place = null);

/// <summary>
/// Publishes and deletes posts. Everything a post changes (its tags, mentions, media, the author's and the
/// parent's counters, the idempotency key) changes in one transaction, so a crash or a concurrent request never
/// leaves a counter off by one or a post half-made.
/// </summary>
public sealed class StatusPosting(Db db, Snowflake ids, TimeProvider time, IOptions<PinholeOptions> options, Notifier notifier, MediaSources sources, IdempotencyKeys idempotency, StreamEvents events,
    PlaceRegistry places, OrganizationAudit audit, DirectConversations conversations)
{
    private const string IdempotencyScope = "status";

    private sealed class Parent
    {
        public long Id { get; init; }
        public long AccountId { get; init; }
    }

    private sealed class UserDefaults
    {
        public Visibility DefaultVisibility { get; init; }
        public bool DefaultSensitive { get; init; }
        public string? DefaultLanguage { get; init; }
    }

    // An organisation has no sign-in and so no posting defaults of its own: its posts are public unless the request says otherwise.
    private static readonly UserDefaults OrganizationDefaults = new() { DefaultVisibility = Visibility.Public };

    /// <summary>
    /// Creates a post and returns its id; a retry with the same Idempotency-Key returns the first post's id. With
    /// <see cref="NewStatus.ActAs"/> the post is the organisation's, made by <paramref name="actor"/> (who must be an
    /// active member; a contributor's post that needs review throws <see cref="ReviewRequiredException"/>).
    /// </summary>
    public async Task<long> CreateAsync(long actor, NewStatus request, CancellationToken cancellationToken)
    {
        var id = await db.WriteAsync((connection, transaction) => CreateInAsync(connection, transaction, actor, request, cancellationToken), cancellationToken);
        await sources.ReleaseAsync(id, cancellationToken);
        return id;
    }

    /// <summary>
    /// Creates a post inside the caller's transaction (a held post is published in the same transaction that
    /// claims it, an approved submission in the one that approves it). Throws <see cref="MediaPendingException"/>
    /// when a photo or video is still being processed. <paramref name="approved"/>: an editor approved it, so it
    /// does not wait for review again.
    /// </summary>
    public async Task<long> CreateInAsync(DbConnection connection, DbTransaction transaction, long actor, NewStatus request, CancellationToken cancellationToken, bool approved = false)
    {
        var text = request.Text ?? "";
        var spoiler = request.SpoilerText ?? "";
        Validate(request, text, spoiler);
        var parsed = StatusText.Parse(text);

        if (request.IdempotencyKey is { } key &&
            await idempotency.FindAsync(connection, transaction, actor, IdempotencyScope, key, cancellationToken) is { } earlier)
            return earlier;
        var acting = request.ActAs is { } organization
            ? await OrganizationMembers.RequireActiveAsync(connection, transaction, organization, actor, cancellationToken)
            : null;
        if (acting is { NeedsReview: true } && !approved)
            throw new ReviewRequiredException(acting.OrganizationId);
        var author = acting?.OrganizationId ?? actor;
        var defaults = await connection.QuerySingleOrDefaultAsync<UserDefaults>(connection.Command(
            "SELECT default_visibility, default_sensitive, default_language FROM users WHERE account_id = @author",
            new { author }, transaction, cancellationToken: cancellationToken)) ?? OrganizationDefaults;
        var parent = request.InReplyToId is { } parentId ? await FindVisibleParentAsync(connection, transaction, author, parentId, cancellationToken) : null;
        // The media are the uploads of whoever is posting, also when they post for an organisation.
        await CheckMediaAsync(connection, transaction, actor, request.MediaIds, cancellationToken);
        var placeId = await places.ResolveAsync(connection, transaction, actor, request.PlaceId, request.Place, cancellationToken);

        var id = ids.NextId();
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO statuses (id, account_id, in_reply_to_id, in_reply_to_account_id, text, spoiler_text, visibility, sensitive, language, has_media, application_id, created_at,
                                  contributor_id, contributor_credited, place_id)
            VALUES (@id, @author, @parentId, @parentAccountId, @text, @spoiler, @visibility, @sensitive, @language, @hasMedia, @ApplicationId, @now,
                    @contributor, @credited, @placeId);
            UPDATE accounts SET statuses_count = statuses_count + 1, last_status_at = @now WHERE id = @author;
            UPDATE statuses SET replies_count = replies_count + 1 WHERE id = @parentId;
            """,
            new
            {
                id, author, parentId = parent?.Id, parentAccountId = parent?.AccountId, text, spoiler,
                visibility = (int)(request.Visibility ?? defaults.DefaultVisibility),
                sensitive = (request.Sensitive ?? defaults.DefaultSensitive) || spoiler.Length > 0,
                language = request.Language ?? defaults.DefaultLanguage,
                hasMedia = request.MediaIds.Count > 0, request.ApplicationId, now,
                contributor = acting is null ? (long?)null : actor, credited = acting?.Credited ?? false, placeId,
            },
            transaction, cancellationToken: cancellationToken));
        await LinkMediaAsync(connection, transaction, id, request.MediaIds, cancellationToken);
        var visibility = request.Visibility ?? defaults.DefaultVisibility;
        var mentions = (await LinkMentionsAsync(connection, transaction, id, parsed.Mentions, cancellationToken)).ToList();
        foreach (var mentioned in mentions)
            await notifier.NotifyAsync(connection, transaction, mentioned, author, NotificationTypes.Mention, id, cancellationToken);
        if (visibility == Visibility.Direct)
            await conversations.AddAsync(connection, transaction, id, author, parent?.Id, mentions, cancellationToken);
        // Followers who asked to hear of every post: not for direct posts, nor for replies to someone else.
        if (visibility != Visibility.Direct && (parent is null || parent.AccountId == author))
        {
            foreach (var follower in await connection.QueryAsync<long>(connection.Command(
                "SELECT account_id FROM follows WHERE target_account_id = @author AND notify = TRUE", new { author }, transaction, cancellationToken)))
                await notifier.NotifyAsync(connection, transaction, follower, author, NotificationTypes.Status, id, cancellationToken);
        }
        await LinkTagsAsync(connection, transaction, id, parsed.Tags, now, cancellationToken);
        await events.AddAsync(connection, transaction, StreamEventKinds.Update, author, id, null, cancellationToken);
        if (acting is not null)
            await audit.RecordAsync(connection, transaction, new AuditEntry(author, actor, AuditActions.Post, StatusId: id), cancellationToken);
        if (request.IdempotencyKey is { } newKey)
            await idempotency.RememberAsync(connection, transaction, actor, IdempotencyScope, newKey, id, cancellationToken);
        return id;
    }

    /// <summary>
    /// Deletes the caller's post (or reblog) and returns what it was, so a client can offer "delete and redraft".
    /// Acting for an organisation (<paramref name="actAs"/>): its editors and owners delete any of its posts and the
    /// comments under them, a contributor their own; the audit log records it.
    /// </summary>
    public async Task<StatusRow> DeleteAsync(long caller, long id, long? actAs, CancellationToken cancellationToken) =>
        await db.WriteAsync(async (connection, transaction) =>
        {
            var acting = actAs is { } organization ? await OrganizationMembers.RequireActiveAsync(connection, transaction, organization, caller, cancellationToken) : null;
            var row = await connection.QuerySingleOrDefaultAsync<StatusRow>(connection.Command(
                $"SELECT {StatusRow.Columns} FROM statuses s WHERE s.id = @id AND {VisibleTo.Viewer("s")}",
                new { id, viewer = acting?.OrganizationId ?? caller }, transaction, cancellationToken: cancellationToken)) ?? throw ApiException.NotFound();
            if (acting is null ? row.AccountId != caller : !MayManage(acting, row, comments: true))
                throw ApiException.Forbidden();
            await DeleteRowAsync(connection, transaction, events, row, cancellationToken);
            if (acting is not null)
                await audit.RecordAsync(connection, transaction,
                    new AuditEntry(acting.OrganizationId, caller, AuditActions.Delete, row.AccountId == acting.OrganizationId ? row.ContributorId : row.AccountId, row.Id), cancellationToken);
            return row;
        }, cancellationToken);

    /// <summary>
    /// May a member change or remove this post for the organisation? Its own posts: editors and owners any, a
    /// contributor those they made. With <paramref name="comments"/>, also — for editors and owners — replies to its
    /// posts, as an Instagram account deletes comments under its photos.
    /// </summary>
    internal static bool MayManage(Acting acting, StatusRow row, bool comments) =>
        row.AccountId == acting.OrganizationId
            ? OrganizationRoles.Edits(acting.Role) || row.ContributorId == acting.AccountId
            : comments && row.ReblogOfId is null && row.InReplyToAccountId == acting.OrganizationId && OrganizationRoles.Edits(acting.Role);

    /// <summary>Removes a post, the reblogs of it, and its weight in every counter; streams hear of each removal.</summary>
    internal static async Task DeleteRowAsync(DbConnection connection, DbTransaction transaction, StreamEvents events, StatusRow row, CancellationToken cancellationToken)
    {
        var reblogs = await connection.QueryAsync<(long Id, long AccountId)>(connection.Command(
            "SELECT id, account_id FROM statuses WHERE reblog_of_id = @Id", new { row.Id }, transaction, cancellationToken));
        foreach (var (reblog, booster) in reblogs.Append((row.Id, row.AccountId)))
            await events.AddAsync(connection, transaction, StreamEventKinds.Delete, booster, reblog, null, cancellationToken);
        await DirectConversations.RemoveStatusAsync(connection, transaction, events, row.Id, cancellationToken);
        await connection.ExecuteAsync(connection.Command(
            """
            UPDATE accounts SET statuses_count = statuses_count - 1
            WHERE id IN (SELECT account_id FROM statuses WHERE reblog_of_id = @Id);
            UPDATE accounts SET statuses_count = statuses_count - 1 WHERE id = @AccountId;
            UPDATE statuses SET replies_count = replies_count - 1 WHERE id = @InReplyToId;
            UPDATE statuses SET reblogs_count = reblogs_count - 1 WHERE id = @ReblogOfId;
            DELETE FROM statuses WHERE reblog_of_id = @Id;
            DELETE FROM statuses WHERE id = @Id;
            """,
            new { row.Id, row.AccountId, row.InReplyToId, row.ReblogOfId }, transaction, cancellationToken: cancellationToken));
    }

    private void Validate(NewStatus request, string text, string spoiler)
    {
        ValidateContent(text, spoiler, request.MediaIds, request.Language);
        if (request.IdempotencyKey?.Length > IdempotencyKeys.MaxLength)
            throw ApiException.Unprocessable($"Idempotency-Key is too long (maximum is {IdempotencyKeys.MaxLength} characters)");
    }

    /// <summary>What every version of a post must satisfy, when it is written and each time it is edited.</summary>
    internal void ValidateContent(string text, string spoiler, IReadOnlyList<long> mediaIds, string? language)
    {
        var limits = options.Value.Statuses;
        if (string.IsNullOrWhiteSpace(text) && mediaIds.Count == 0)
            throw ApiException.Unprocessable("Validation failed: Text can't be blank");
        if (StatusText.Length(text) + StatusText.Length(spoiler) > limits.MaxCharacters)
            throw ApiException.Unprocessable($"Validation failed: Text character limit of {limits.MaxCharacters} exceeded");
        if (mediaIds.Count > limits.MaxMediaAttachments)
            throw ApiException.Unprocessable($"Validation failed: You can attach at most {limits.MaxMediaAttachments} media to a post");
        if (mediaIds.Distinct().Count() != mediaIds.Count)
            throw ApiException.Unprocessable("Validation failed: the same media is attached twice");
        if (language is not null && !LanguageCodes.IsValid(language))
            throw ApiException.Unprocessable("Validation failed: Language is not a valid ISO 639 code");
    }

    // A reply to a post the author cannot see is refused exactly like a reply to one that does not exist.
    private static async Task<Parent> FindVisibleParentAsync(DbConnection connection, DbTransaction transaction, long author, long parentId, CancellationToken cancellationToken) =>
        await connection.QuerySingleOrDefaultAsync<Parent>(connection.Command(
            $"SELECT s.id, s.account_id FROM statuses s WHERE s.id = @parentId AND s.reblog_of_id IS NULL AND {VisibleTo.Viewer("s")}",
            new { parentId, viewer = author }, transaction, cancellationToken: cancellationToken)) ?? throw ApiException.NotFound();

    private sealed class MediaState
    {
        public long Id { get; init; }
        public string State { get; init; } = "";
        public string? Failure { get; init; }
    }

    /// <summary>Media must be the author's own, not posted yet, and processed; a failed one is refused with its reason.</summary>
    private static async Task CheckMediaAsync(DbConnection connection, DbTransaction transaction, long author, IReadOnlyList<long> mediaIds, CancellationToken cancellationToken)
    {
        if (mediaIds.Count == 0)
            return;
        var usable = (await connection.QueryAsync<MediaState>(connection.Command(
            "SELECT id, state, failure FROM media_attachments WHERE id IN @mediaIds AND account_id = @author AND status_id IS NULL",
            new { mediaIds, author }, transaction, cancellationToken: cancellationToken))).ToDictionary(m => m.Id);
        var missing = mediaIds.Where(m => !usable.ContainsKey(m)).ToList();
        if (missing.Count > 0)
            throw ApiException.Unprocessable($"Validation failed: media not found or already posted: {string.Join(", ", missing)}");
        if (usable.Values.FirstOrDefault(m => m.State == MediaStates.Failed) is { } failed)
            throw ApiException.Unprocessable($"Validation failed: media {failed.Id} could not be processed: {failed.Failure}");
        var processing = usable.Values.Where(m => m.State == MediaStates.Processing).Select(m => m.Id).ToList();
        if (processing.Count > 0)
            throw new MediaPendingException(processing);
    }

    internal static async Task LinkMediaAsync(DbConnection connection, DbTransaction transaction, long statusId, IReadOnlyList<long> mediaIds, CancellationToken cancellationToken)
    {
        for (var position = 0; position < mediaIds.Count; position++)
        {
            await connection.ExecuteAsync(connection.Command(
                "UPDATE media_attachments SET status_id = @statusId, position = @position WHERE id = @mediaId",
                new { statusId, position, mediaId = mediaIds[position] }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Records who the post mentions (local accounts that exist) and returns them.</summary>
    internal static async Task<IEnumerable<long>> LinkMentionsAsync(DbConnection connection, DbTransaction transaction, long statusId, IReadOnlyList<string> usernames, CancellationToken cancellationToken)
    {
        if (usernames.Count == 0)
            return [];
        return await connection.QueryAsync<long>(connection.Command(
            "INSERT INTO mentions (status_id, account_id) SELECT @statusId, id FROM accounts WHERE username_key IN @usernames RETURNING account_id",
            new { statusId, usernames }, transaction, cancellationToken: cancellationToken));
    }

    internal async Task LinkTagsAsync(DbConnection connection, DbTransaction transaction, long statusId, IReadOnlyList<string> tags, long now, CancellationToken cancellationToken)
    {
        foreach (var name in tags)
        {
            await connection.ExecuteAsync(connection.Command(
                """
                INSERT INTO tags (id, name, created_at) VALUES (@tagId, @name, @now) ON CONFLICT (name) DO NOTHING;
                INSERT INTO status_tags (tag_id, status_id) SELECT id, @statusId FROM tags WHERE name = @name;
                """,
                new { tagId = ids.NextId(), name, now, statusId }, transaction, cancellationToken: cancellationToken));
        }
    }
}
