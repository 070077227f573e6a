using System.Data.Common;
using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Accounts;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.Features.Media;
using Pinhole.Server.Features.Places;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Statuses;

/// <summary>
/// Renders a page of statuses for one viewer in a fixed number of queries, whatever the page size: the
/// statuses (and the posts they reblog), their accounts, media, tags and mentions, and the viewer's own
/// favourites and reblogs. Callers decide which ids the viewer may see; this only renders them, with the
/// viewer's filters of where they are shown, if any, matched in memory (<c>filtered</c>). Pinhole's
/// extension adds the credited member on an organisation's post and the place a post was taken.
/// </summary>
public sealed class StatusViews(AccountViews accounts, MediaViews media, PublicUrl urls)
{
    private sealed class TagRow
    {
        public long StatusId { get; init; }
        public string Name { get; init; } = "";
    }

    private sealed class MentionRow
    {
        public long StatusId { get; init; }
        public long AccountId { get; init; }
        public string Username { get; init; } = "";
    }

    private sealed class AppRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public string? Website { get; init; }
    }

    public async Task<Status?> RenderAsync(DbConnection connection, long viewer, long id, CancellationToken cancellationToken, FilterScope? filters = null)
    {
        var rendered = await RenderAsync(connection, viewer, [id], cancellationToken, filters);
        return rendered.Count > 0 ? rendered[0] : null;
    }

    /// <summary>The statuses of <paramref name="ids"/>, in that order; ids that no longer exist are skipped.</summary>
    public async Task<IReadOnlyList<Status>> RenderAsync(DbConnection connection, long viewer, IReadOnlyList<long> ids, CancellationToken cancellationToken,
        FilterScope? filters = null)
    {
        if (ids.Count == 0)
            return [];
        // Two round trips for the whole page: the posts with the posts they reblog, then everything hanging off them.
        var rows = new Dictionary<long, StatusRow>();
        foreach (var row in await connection.QueryAsync<StatusRow>(connection.Command(
            $"""
            SELECT {StatusRow.Columns} FROM statuses s WHERE s.id IN @ids
            UNION ALL
            SELECT {StatusRow.Columns} FROM statuses r JOIN statuses s ON s.id = r.reblog_of_id WHERE r.id IN @ids
            """, new { ids }, cancellationToken: cancellationToken)))
            rows[row.Id] = row; // a post and a reblog of it on the same page: one row

        var all = rows.Keys.ToArray();
        // Members who made an organisation's post are loaded with the authors, but only those who chose credit.
        var authorIds = rows.Values.Select(r => r.AccountId)
            .Concat(rows.Values.Where(r => r.ContributorCredited && r.ContributorId is not null).Select(r => r.ContributorId!.Value)).Distinct().ToArray();
        var placeIds = rows.Values.Where(r => r.PlaceId is not null).Select(r => r.PlaceId!.Value).Distinct().ToArray();
        var applicationIds = rows.Values.Where(r => r.AccountId == viewer && r.ApplicationId is not null).Select(r => r.ApplicationId!.Value).Distinct().ToArray();
        ILookup<long, MediaRow> mediaByStatus;
        ILookup<long, TagRow> tagsByStatus;
        ILookup<long, MentionRow> mentionsByStatus;
        HashSet<long> favourited, rebloggedByViewer, bookmarked, pinned;
        Dictionary<long, AppRow> applications;
        Dictionary<long, PlaceRow> places;
        List<AccountRow> authorRows;
        // Read to the end and closed before rendering the accounts, which may query again on this connection.
        await using (var results = await connection.QueryMultipleAsync(connection.Command(
            $"""
            SELECT {MediaRow.Columns} FROM media_attachments m WHERE m.status_id IN @all ORDER BY m.status_id, m.position;
            SELECT st.status_id, t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id IN @all;
            SELECT m.status_id, a.id AS account_id, a.username FROM mentions m JOIN accounts a ON a.id = m.account_id WHERE m.status_id IN @all;
            SELECT status_id FROM favourites WHERE account_id = @viewer AND status_id IN @all;
            SELECT reblog_of_id FROM statuses WHERE account_id = @viewer AND reblog_of_id IN @all;
            SELECT id, name, website FROM apps WHERE id IN @applicationIds;
            SELECT {AccountRow.Columns} FROM accounts a WHERE a.id IN @authorIds;
            SELECT status_id FROM bookmarks WHERE account_id = @viewer AND status_id IN @all;
            SELECT status_id FROM pins WHERE account_id = @viewer AND status_id IN @all;
            SELECT {PlaceRow.Columns} FROM places p WHERE p.id IN @placeIds;
            """,
            new { all, viewer, applicationIds, authorIds, placeIds }, cancellationToken: cancellationToken)))
        {
            mediaByStatus = (await results.ReadAsync<MediaRow>()).ToLookup(m => m.StatusId!.Value);
            tagsByStatus = (await results.ReadAsync<TagRow>()).ToLookup(t => t.StatusId);
            mentionsByStatus = (await results.ReadAsync<MentionRow>()).ToLookup(m => m.StatusId);
            favourited = (await results.ReadAsync<long>()).ToHashSet();
            rebloggedByViewer = (await results.ReadAsync<long>()).ToHashSet();
            applications = (await results.ReadAsync<AppRow>()).ToDictionary(a => a.Id);
            authorRows = (await results.ReadAsync<AccountRow>()).ToList();
            bookmarked = (await results.ReadAsync<long>()).ToHashSet();
            pinned = (await results.ReadAsync<long>()).ToHashSet();
            places = (await results.ReadAsync<PlaceRow>()).ToDictionary(p => p.Id);
        }
        var authors = await accounts.RenderAsync(connection, authorRows, cancellationToken);

        Status? Render(long id)
        {
            if (!rows.TryGetValue(id, out var row) || !authors.TryGetValue(row.AccountId, out var author))
                return null;
            Status? reblog = null;
            if (row.ReblogOfId is { } originalId && (reblog = Render(originalId)) is null)
                return null;
            var mentions = mentionsByStatus[id].ToList();
            var mentionUrls = mentions.ToDictionary(m => m.Username.ToLowerInvariant(), m => urls.Profile(m.Username));
            var signedIn = viewer != 0;
            var shown = row.ReblogOfId is { } carried ? rows[carried] : row;
            return new Status
            {
                Id = Id(row.Id),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt),
                InReplyToId = row.InReplyToId is { } r ? Id(r) : null,
                InReplyToAccountId = row.InReplyToAccountId is { } ra ? Id(ra) : null,
                Sensitive = row.Sensitive,
                SpoilerText = row.SpoilerText,
                Visibility = row.Visibility.Name(),
                Language = row.Language,
                Uri = urls.PostUri(author.Username, row.Id),
                Url = row.ReblogOfId is null ? urls.Post(author.Username, row.Id) : null,
                RepliesCount = row.RepliesCount,
                ReblogsCount = row.ReblogsCount,
                FavouritesCount = row.FavouritesCount,
                EditedAt = row.EditedAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null,
                Favourited = signedIn ? favourited.Contains(id) : null,
                Reblogged = signedIn ? rebloggedByViewer.Contains(id) : null,
                Muted = signedIn ? false : null,
                Bookmarked = signedIn ? bookmarked.Contains(id) : null,
                Pinned = signedIn && row.AccountId == viewer ? pinned.Contains(id) : null,
                Filtered = filters?.Match(FilterSubject.Of(row.Id, row.ReblogOfId, shown.Text, shown.SpoilerText, mediaByStatus[shown.Id].Select(m => m.Description))),
                Content = StatusText.ToHtml(row.Text, u => mentionUrls.GetValueOrDefault(u), urls.Tag),
                Reblog = reblog,
                Application = row.ApplicationId is { } appId && applications.TryGetValue(appId, out var app) ? new StatusApplication(app.Name, app.Website) : null,
                Account = author,
                MediaAttachments = mediaByStatus[id].Select(media.Render).ToList(),
                Mentions = mentions.Select(m => new StatusMention(Id(m.AccountId), m.Username, urls.Profile(m.Username), m.Username)).ToList(),
                Tags = tagsByStatus[id].Select(t => new StatusTag(t.Name, urls.Tag(t.Name))).ToList(),
                Pinhole = new StatusExtension(
                    row.ContributorCredited && row.ContributorId is { } contributor ? authors.GetValueOrDefault(contributor) : null,
                    row.PlaceId is { } place && places.TryGetValue(place, out var placeRow) ? placeRow.Render(urls) : null),
            };
        }

        return ids.Select(Render).OfType<Status>().ToList();
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
