using System.Data.Common;
using System.Text.Json;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Features.Notifications;
using Pinhole.Server.Features.Organizations;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

using Pinhole.Server.Features.Streaming;

namespace Pinhole.Server.Features.Statuses;

public sealed record MediaChange(long Id, string? Description, MediaFocus? Focus);

public sealed record StatusChange(string? Text, string? SpoilerText, bool? Sensitive, string? Language, IReadOnlyList<long>? MediaIds, IReadOnlyList<MediaChange> MediaChanges);

/// <summary>
/// Edits a post in place: its text, content warning, sensitivity, language, photos and their alt text. Every
/// version is kept (the first edit also keeps the original), so anyone who can see the post can see how it changed.
/// Tags and mentions follow the new text; someone newly mentioned is notified.
/// </summary>
public sealed class StatusEditing(Db db, Snowflake ids, TimeProvider time, StatusPosting posting, MediaUploads media, Notifier notifier, PublicUrl urls, StreamEvents events,
    OrganizationAudit audit)
{
    private sealed class AttachedMedia
    {
        public long Id { get; init; }
        public string? Description { get; init; }
    }

    /// <summary>Edits <paramref name="editor"/>'s post, or — acting for an organisation (<paramref name="actAs"/>) — one of its posts the member may manage.</summary>
    public Task EditAsync(long editor, long id, StatusChange change, long? actAs, CancellationToken cancellationToken)
    {
        foreach (var changed in change.MediaChanges)
            media.ValidateDescription(changed.Description);
        return db.WriteAsync(async (connection, transaction) =>
        {
            var acting = actAs is { } organization ? await OrganizationMembers.RequireActiveAsync(connection, transaction, organization, editor, cancellationToken) : null;
            var author = acting?.OrganizationId ?? editor;
            var current = await connection.QuerySingleOrDefaultAsync<StatusRow>(connection.Command(
                $"SELECT {StatusRow.Columns} FROM statuses s WHERE s.id = @id AND s.reblog_of_id IS NULL AND {VisibleTo.Viewer("s")}",
                new { id, viewer = author }, transaction, cancellationToken)) ?? throw ApiException.NotFound();
            if (acting is null ? current.AccountId != editor : !StatusPosting.MayManage(acting, current, comments: false))
                throw ApiException.Forbidden();

            var attached = (await AttachedAsync(connection, transaction, id, cancellationToken)).ToList();
            var text = change.Text ?? current.Text;
            var spoiler = change.SpoilerText ?? current.SpoilerText;
            var mediaIds = change.MediaIds ?? attached.Select(m => m.Id).ToList();
            var language = change.Language ?? current.Language;
            posting.ValidateContent(text, spoiler, mediaIds, language);
            await CheckMediaAsync(connection, transaction, editor, id, mediaIds, cancellationToken);

            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            if (await connection.ExecuteScalarAsync<long>(connection.Command(
                "SELECT COUNT(*) FROM status_edits WHERE status_id = @id", new { id }, transaction, cancellationToken)) == 0)
                await SnapshotAsync(connection, transaction, id, current.Text, current.SpoilerText, current.Sensitive, attached, current.CreatedAt, cancellationToken);

            await connection.ExecuteAsync(connection.Command(
                """
                UPDATE statuses SET text = @text, spoiler_text = @spoiler, sensitive = @sensitive, language = @language,
                    has_media = @hasMedia, edited_at = @now
                WHERE id = @id;
                UPDATE media_attachments SET status_id = NULL WHERE status_id = @id;
                DELETE FROM status_tags WHERE status_id = @id;
                DELETE FROM mentions WHERE status_id = @id;
                """,
                new { id, text, spoiler, sensitive = (change.Sensitive ?? current.Sensitive) || spoiler.Length > 0, language, hasMedia = mediaIds.Count > 0, now },
                transaction, cancellationToken));
            await StatusPosting.LinkMediaAsync(connection, transaction, id, mediaIds, cancellationToken);
            foreach (var changed in change.MediaChanges)
            {
                await connection.ExecuteAsync(connection.Command(
                    """
                    UPDATE media_attachments SET description = COALESCE(@description, description),
                        focus_x = COALESCE(@x, focus_x), focus_y = COALESCE(@y, focus_y)
                    WHERE id = @mediaId AND status_id = @id
                    """,
                    new { description = changed.Description, x = changed.Focus?.X, y = changed.Focus?.Y, mediaId = changed.Id, id }, transaction, cancellationToken));
            }
            var parsed = StatusText.Parse(text);
            await posting.LinkTagsAsync(connection, transaction, id, parsed.Tags, now, cancellationToken);
            foreach (var mentioned in await StatusPosting.LinkMentionsAsync(connection, transaction, id, parsed.Mentions, cancellationToken))
                await notifier.NotifyAsync(connection, transaction, mentioned, author, NotificationTypes.Mention, id, cancellationToken);
            await SnapshotAsync(connection, transaction, id, text, spoiler, change.Sensitive ?? current.Sensitive,
                await AttachedAsync(connection, transaction, id, cancellationToken), now, cancellationToken);
            await events.AddAsync(connection, transaction, StreamEventKinds.StatusUpdate, author, id, null, cancellationToken);
            if (acting is not null)
                await audit.RecordAsync(connection, transaction, new AuditEntry(author, editor, AuditActions.Edit, current.ContributorId, id), cancellationToken);
        }, cancellationToken);
    }

    private static Task<IEnumerable<AttachedMedia>> AttachedAsync(DbConnection connection, DbTransaction transaction, long id, CancellationToken cancellationToken) =>
        connection.QueryAsync<AttachedMedia>(connection.Command(
            "SELECT id, description FROM media_attachments WHERE status_id = @id ORDER BY position", new { id }, transaction, cancellationToken));

    // What the post already has, and the editor's own uploads not gone into another post (on an organisation's
    // post the media already there may be another member's).
    private static async Task CheckMediaAsync(DbConnection connection, DbTransaction transaction, long editor, long id, IReadOnlyList<long> mediaIds, CancellationToken cancellationToken)
    {
        if (mediaIds.Count == 0)
            return;
        var usable = (await connection.QueryAsync<long>(connection.Command(
            "SELECT id FROM media_attachments WHERE id IN @mediaIds AND (status_id = @id OR (account_id = @editor AND status_id IS NULL))",
            new { mediaIds, editor, id }, transaction, cancellationToken))).ToHashSet();
        var missing = mediaIds.Where(m => !usable.Contains(m)).ToList();
        if (missing.Count > 0)
            throw ApiException.Unprocessable($"Validation failed: media not found or already posted: {string.Join(", ", missing)}");
    }

    private async Task SnapshotAsync(DbConnection connection, DbTransaction transaction, long id, string text, string spoiler, bool sensitive,
        IEnumerable<AttachedMedia> attached, long at, CancellationToken cancellationToken) =>
        await connection.ExecuteAsync(connection.Command(
            """
            INSERT INTO status_edits (id, status_id, text, spoiler_text, sensitive, media, created_at)
            VALUES (@editId, @id, @text, @spoiler, @sensitive, @media, @at)
            """,
            new
            {
                editId = ids.NextId(), id, text, spoiler, sensitive, at,
                media = JsonSerializer.Serialize(attached.Select(m => new MediaVersion(m.Id, m.Description)).ToList(), MastodonJson.Default.IReadOnlyListMediaVersion),
            },
            transaction, cancellationToken));

    private sealed class EditRow
    {
        public string Text { get; init; } = "";
        public string SpoilerText { get; init; } = "";
        public bool Sensitive { get; init; }
        public string Media { get; init; } = "[]";
        public long CreatedAt { get; init; }
    }

    /// <summary>Every version of a post the viewer can see, oldest first; one entry for a post never edited.</summary>
    public async Task<IReadOnlyList<StatusEdit>> HistoryAsync(DbConnection connection, StatusViews views, MediaViews mediaViews, long viewer, long id, CancellationToken cancellationToken)
    {
        var post = await views.RenderAsync(connection, viewer, id, cancellationToken) ?? throw ApiException.NotFound();
        var edits = (await connection.QueryAsync<EditRow>(connection.Command(
            "SELECT text, spoiler_text, sensitive, media, created_at FROM status_edits WHERE status_id = @id ORDER BY id",
            new { id }, cancellationToken: cancellationToken))).ToList();
        if (edits.Count == 0)
            return [new StatusEdit { Content = post.Content, SpoilerText = post.SpoilerText, Sensitive = post.Sensitive, CreatedAt = post.CreatedAt, Account = post.Account, MediaAttachments = post.MediaAttachments }];

        var versions = edits.Select(e => (Edit: e, Media: JsonSerializer.Deserialize(e.Media, MastodonJson.Default.IReadOnlyListMediaVersion) ?? [])).ToList();
        var mediaIds = versions.SelectMany(v => v.Media.Select(m => m.Id)).Distinct().ToArray();
        var rows = mediaIds.Length == 0 ? [] : (await connection.QueryAsync<MediaRow>(connection.Command(
            $"SELECT {MediaRow.Columns} FROM media_attachments m WHERE m.id IN @mediaIds", new { mediaIds }, cancellationToken: cancellationToken))).ToDictionary(m => m.Id);
        var mentions = post.Mentions.ToDictionary(m => m.Username.ToLowerInvariant(), m => m.Url);
        return versions.Select(v => new StatusEdit
        {
            Content = StatusText.ToHtml(v.Edit.Text, u => mentions.GetValueOrDefault(u), urls.Tag),
            SpoilerText = v.Edit.SpoilerText,
            Sensitive = v.Edit.Sensitive,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(v.Edit.CreatedAt),
            Account = post.Account,
            MediaAttachments = v.Media.Where(m => rows.ContainsKey(m.Id)).Select(m => mediaViews.Render(rows[m.Id]) with { Description = m.Description }).ToList(),
        }).ToList();
    }
}
