using System.Text.Json;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Accounts;

/// <summary>
/// Mastodon's update_credentials: profile text, pictures, privacy and posting defaults, each only when sent. An
/// organisation's profile is changed the same way by its owners; it has no sign-in (no users row), so no defaults.
/// </summary>
public sealed class ProfileUpdate(Db db, TimeProvider time, MediaUploads uploads, Follows.Follows follows)
{
    public const int MaxDisplayName = 30;
    public const int MaxNote = 500;
    public const int MaxFields = 4;
    public const int MaxFieldLength = 255;
    public const int AvatarSize = 400;
    public const int HeaderSize = 1500;

    private sealed class Current
    {
        public string DisplayName { get; init; } = "";
        public string Note { get; init; } = "";
        public string Fields { get; init; } = "[]";
        public bool Locked { get; init; }
        public bool Bot { get; init; }
        public bool Discoverable { get; init; }
        public string? AvatarKey { get; init; }
        public string? HeaderKey { get; init; }
        public int DefaultVisibility { get; init; }
        public bool DefaultSensitive { get; init; }
        public string? DefaultLanguage { get; init; }
    }

    public async Task UpdateAsync(long accountId, RequestParams form, CancellationToken cancellationToken)
    {
        var displayName = form.Text("display_name");
        if (displayName?.Length > MaxDisplayName)
            throw ApiException.Unprocessable($"Validation failed: Display name is too long (maximum is {MaxDisplayName} characters)");
        var note = form.Text("note");
        if (note?.Length > MaxNote)
            throw ApiException.Unprocessable($"Validation failed: Note is too long (maximum is {MaxNote} characters)");
        var fields = ReadFields(form);
        var privacy = form.Text("source[privacy]");
        var visibility = VisibilityNames.Parse(privacy);
        if (!string.IsNullOrEmpty(privacy) && visibility is null)
            throw ApiException.Unprocessable("Validation failed: source[privacy] must be public, unlisted, private or direct");
        var language = form.Text("source[language]");
        if (!string.IsNullOrEmpty(language) && !LanguageCodes.IsValid(language))
            throw ApiException.Unprocessable("Validation failed: source[language] is not an ISO 639 language code");

        // Pictures are processed before the transaction: slow work never holds the database's write lock.
        var avatar = form.Files?.GetFile("avatar") is { } avatarFile ? await uploads.StoreProfileImageAsync(avatarFile, "avatar", AvatarSize, cancellationToken) : null;
        var header = form.Files?.GetFile("header") is { } headerFile ? await uploads.StoreProfileImageAsync(headerFile, "header", HeaderSize, cancellationToken) : null;

        var replaced = await db.WriteAsync(async (connection, transaction) =>
        {
            var current = await connection.QuerySingleAsync<Current>(connection.Command(
                """
                SELECT a.display_name, a.note, a.fields, a.locked, a.bot, a.discoverable, a.avatar_key, a.header_key,
                       COALESCE(u.default_visibility, 0) AS default_visibility, COALESCE(u.default_sensitive, FALSE) AS default_sensitive, u.default_language
                FROM accounts a LEFT JOIN users u ON u.account_id = a.id WHERE a.id = @accountId
                """, new { accountId }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(connection.Command(
                """
                UPDATE accounts SET display_name = @displayName, display_name_key = @displayNameKey, note = @note, fields = @fields, locked = @locked, bot = @bot,
                    discoverable = @discoverable, avatar_key = @avatar, header_key = @header, updated_at = @now
                WHERE id = @accountId;
                UPDATE users SET default_visibility = @visibility, default_sensitive = @sensitive, default_language = @language
                WHERE account_id = @accountId;
                """,
                new
                {
                    accountId,
                    displayName = displayName ?? current.DisplayName,
                    displayNameKey = (displayName ?? current.DisplayName).ToLowerInvariant(),
                    note = note ?? current.Note,
                    fields = fields is null ? current.Fields : JsonSerializer.Serialize(fields, MastodonJson.Default.IReadOnlyListAccountField),
                    locked = form.Bool("locked") ?? current.Locked,
                    bot = form.Bool("bot") ?? current.Bot,
                    discoverable = form.Bool("discoverable") ?? current.Discoverable,
                    avatar = avatar ?? current.AvatarKey,
                    header = header ?? current.HeaderKey,
                    now = time.GetUtcNow().ToUnixTimeMilliseconds(),
                    visibility = (int?)visibility ?? current.DefaultVisibility,
                    sensitive = form.Bool("source[sensitive]") ?? current.DefaultSensitive,
                    language = language is null ? current.DefaultLanguage : language.Length == 0 ? null : language,
                },
                transaction, cancellationToken: cancellationToken));
            if (current.Locked && form.Bool("locked") == false)
                await follows.AcceptAllAsync(connection, transaction, accountId, cancellationToken);
            return new[] { avatar is null ? null : current.AvatarKey, header is null ? null : current.HeaderKey };
        }, cancellationToken);

        foreach (var key in replaced.OfType<string>())
            await uploads.DeleteFileAsync(key, cancellationToken);
    }

    /// <summary>Profile fields, sent as <c>fields_attributes[0][name]</c> … (or a JSON array); null when none were sent.</summary>
    private static List<AccountField>? ReadFields(RequestParams form)
    {
        var indexes = form.ChildKeys("fields_attributes").ToList();
        if (indexes.Count == 0)
            return null;
        var fields = indexes
            .OrderBy(i => int.TryParse(i, out var n) ? n : int.MaxValue)
            .Select(i => new AccountField(form.Text($"fields_attributes[{i}][name]") ?? "", form.Text($"fields_attributes[{i}][value]") ?? "", null))
            .Where(f => f.Name.Length > 0 || f.Value.Length > 0)
            .ToList();
        if (fields.Count > MaxFields)
            throw ApiException.Unprocessable($"Validation failed: at most {MaxFields} profile fields");
        if (fields.Any(f => f.Name.Length > MaxFieldLength || f.Value.Length > MaxFieldLength))
            throw ApiException.Unprocessable($"Validation failed: profile field names and values are at most {MaxFieldLength} characters");
        return fields;
    }
}
