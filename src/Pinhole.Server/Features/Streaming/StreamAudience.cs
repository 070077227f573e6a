using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Conversations;
using Pinhole.Server.Features.CustomFilters;
using Pinhole.Server.Features.Notifications;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Streaming;

/// <summary>
/// Who receives an event, decided by the same SQL rules as the timelines (<see cref="VisibleTo"/>,
/// <see cref="FeedFilter"/>): one query per event and kind of stream, over all the viewers connected to this node,
/// never one per viewer. The payload is rendered once per event; only a viewer one of whose filters matches the post
/// gets their own (with <c>filtered</c>), or, for a <c>hide</c> filter, nothing.
/// </summary>
public sealed class StreamAudience(StatusViews statuses, NotificationViews notifications, ConversationViews conversations, StreamFilters filters, TimeProvider time)
{
    private sealed class Facts
    {
        public long Id { get; init; }
        public long AccountId { get; init; }
        public Visibility Visibility { get; init; }
        public long? ReblogOfId { get; init; }
        public bool HasMedia { get; init; }
        public string Text { get; init; } = "";
        public string SpoilerText { get; init; } = "";
    }

    /// <summary>Puts the event in the queue of every subscription in <paramref name="subscriptions"/> that may see it.</summary>
    public async Task DeliverAsync(DbConnection connection, StreamEventRow row, IReadOnlyCollection<Subscription> subscriptions, CancellationToken cancellationToken)
    {
        // Live only: a reconnecting client's streams read the filters afresh as they open.
        if (row.Kind == StreamEventKinds.FiltersChanged && subscriptions.Where(s => s.Viewer == row.AccountId).ToList() is { Count: > 0 } theirs)
            await filters.RefreshAsync(connection, row.AccountId, theirs, cancellationToken);
        var messages = await MessagesAsync(connection, row, subscriptions, cancellationToken);
        foreach (var (subscription, message) in messages)
            subscription.Deliver(message);
    }

    /// <summary>The messages the event makes for <paramref name="subscriptions"/>.</summary>
    public async Task<IReadOnlyList<(Subscription Subscription, StreamMessage Message)>> MessagesAsync(
        DbConnection connection, StreamEventRow row, IReadOnlyCollection<Subscription> subscriptions, CancellationToken cancellationToken)
    {
        if (subscriptions.Count == 0)
            return [];
        return row.Kind switch
        {
            StreamEventKinds.Update or StreamEventKinds.StatusUpdate => await StatusAsync(connection, row, subscriptions, cancellationToken),
            StreamEventKinds.Notification => await NotificationAsync(connection, row, subscriptions, cancellationToken),
            StreamEventKinds.Conversation => await ConversationAsync(connection, row, subscriptions, cancellationToken),
            StreamEventKinds.FiltersChanged => subscriptions.Where(s => s.Viewer == row.AccountId && s.Key.Name == StreamNames.User)
                .Select(s => (s, new StreamMessage(row.Id, row.Kind, null, s.Key))).ToList(),
            StreamEventKinds.Delete => subscriptions.Where(s => s.Key.Name != StreamNames.UserNotification)
                .Select(s => (s, new StreamMessage(row.Id, row.Kind, row.StatusId!.Value.ToString(CultureInfo.InvariantCulture), s.Key))).ToList(),
            _ => [],
        };
    }

    private async Task<IReadOnlyList<(Subscription, StreamMessage)>> StatusAsync(
        DbConnection connection, StreamEventRow row, IReadOnlyCollection<Subscription> subscriptions, CancellationToken cancellationToken)
    {
        var facts = await connection.QuerySingleOrDefaultAsync<Facts>(connection.Command(
            """
            SELECT s.id, s.account_id, s.visibility, s.reblog_of_id, COALESCE(o.has_media, s.has_media) AS has_media,
                   COALESCE(o.text, s.text) AS text, COALESCE(o.spoiler_text, s.spoiler_text) AS spoiler_text
            FROM statuses s LEFT JOIN statuses o ON o.id = s.reblog_of_id WHERE s.id = @id
            """,
            new { id = row.StatusId }, cancellationToken: cancellationToken));
        if (facts is null)
            return []; // deleted since; its delete event follows
        var tags = (await connection.QueryAsync<string>(connection.Command(
            "SELECT t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id WHERE st.status_id = @id", new { id = facts.Id }, cancellationToken: cancellationToken))).ToHashSet();
        var isPublic = facts.Visibility == Visibility.Public && facts.ReblogOfId is null;

        var chosen = new List<Subscription>();
        var publicOnes = subscriptions.Where(s => isPublic && StreamNames.IsPublic(s.Key, facts.HasMedia, tags)).ToList();
        chosen.AddRange(publicOnes.Where(s => s.Viewer == 0));
        chosen.AddRange(await WhoAsync(connection, facts.Id, publicOnes.Where(s => s.Viewer != 0).ToList(), "TRUE", cancellationToken));
        chosen.AddRange(await WhoAsync(connection, facts.Id, subscriptions.Where(s => s.Key.Name == StreamNames.User).ToList(),
            """
            (s.account_id = v.id
             OR EXISTS (SELECT 1 FROM follows hf WHERE hf.account_id = v.id AND hf.target_account_id = s.account_id
                        AND (s.reblog_of_id IS NULL OR hf.show_reblogs = TRUE))
             OR (s.reblog_of_id IS NULL AND s.visibility <= 1 AND EXISTS (
                 SELECT 1 FROM status_tags ht JOIN tag_follows tf ON tf.tag_id = ht.tag_id WHERE ht.status_id = s.id AND tf.account_id = v.id)))
            """, cancellationToken));
        chosen.AddRange(await ListsAsync(connection, facts.Id, subscriptions.Where(s => s.Key.Name == StreamNames.List).ToList(), cancellationToken));
        if (chosen.Count == 0)
            return [];

        var status = await statuses.RenderAsync(connection, 0, facts.Id, cancellationToken);
        if (status is null)
            return [];
        var payload = JsonSerializer.Serialize(status, MastodonJson.Default.Status);
        var now = time.GetUtcNow();
        var subject = FilterSubject.Of(facts.Id, facts.ReblogOfId, facts.Text, facts.SpoilerText, (status.Reblog ?? status).MediaAttachments.Select(m => m.Description));
        var messages = new List<(Subscription, StreamMessage)>(chosen.Count);
        foreach (var subscription in chosen)
        {
            var scope = subscription.Filters.IsEmpty ? FilterScope.Nothing : subscription.Filters.In(FilterContextOf(subscription.Key), now);
            var filtered = scope.Match(subject);
            if (filtered is null)
            {
                messages.Add((subscription, new StreamMessage(row.Id, row.Kind, payload, subscription.Key)));
                continue;
            }
            if (FilterScope.Hides(filtered))
                continue;
            var marked = status with
            {
                Filtered = filtered,
                Reblog = status.Reblog is { } carried ? carried with { Filtered = scope.Match(subject with { StatusId = facts.ReblogOfId!.Value, ReblogOfId = null }) } : null,
            };
            messages.Add((subscription, new StreamMessage(row.Id, row.Kind, JsonSerializer.Serialize(marked, MastodonJson.Default.Status), subscription.Key)));
        }
        return messages;
    }

    /// <summary>Home for a user's or a list's stream (as for their timelines), public for the public and hashtag streams.</summary>
    private static string FilterContextOf(StreamKey key) => key.Name is StreamNames.User or StreamNames.List ? FilterContexts.Home : FilterContexts.Public;

    /// <summary>The subscriptions whose viewer may see the post and wants it in their feeds, and for whom <paramref name="condition"/> holds.</summary>
    private async Task<IEnumerable<Subscription>> WhoAsync(DbConnection connection, long statusId, List<Subscription> candidates, string condition, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
            return [];
        var viewers = candidates.Select(s => s.Viewer).Where(v => v != 0).Distinct().ToArray();
        if (viewers.Length == 0)
            return [];
        var allowed = (await connection.QueryAsync<long>(connection.Command(
            $"""
            SELECT v.id FROM statuses s JOIN accounts v ON {connection.InIdList("v.id", "viewers")}
            WHERE s.id = @statusId AND {ForEach(VisibleTo.Viewer("s"))} AND {ForEach(FeedFilter.Shown("s"))} AND {condition}
            """,
            new { viewers = connection.IdList(viewers), statusId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken))).ToHashSet();
        return candidates.Where(s => allowed.Contains(s.Viewer));
    }

    /// <summary>List streams: the list's owner may see the post and its author is on the list.</summary>
    private async Task<IEnumerable<Subscription>> ListsAsync(DbConnection connection, long statusId, List<Subscription> candidates, CancellationToken cancellationToken)
    {
        if (candidates.Count == 0)
            return [];
        var lists = candidates.Select(s => long.Parse(s.Key.Parameter!, CultureInfo.InvariantCulture)).Distinct().ToArray();
        var allowed = (await connection.QueryAsync<long>(connection.Command(
            $"""
            SELECT l.id FROM statuses s JOIN lists l ON {connection.InIdList("l.id", "lists")} JOIN accounts v ON v.id = l.account_id
            WHERE s.id = @statusId AND EXISTS (SELECT 1 FROM list_accounts la WHERE la.list_id = l.id AND la.account_id = s.account_id)
              AND {ForEach(VisibleTo.Viewer("s"))} AND {ForEach(FeedFilter.Shown("s"))}
            """,
            new { lists = connection.IdList(lists), statusId, now = time.GetUtcNow().ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)))
            .Select(id => id.ToString(CultureInfo.InvariantCulture)).ToHashSet();
        return candidates.Where(s => allowed.Contains(s.Key.Parameter!));
    }

    /// <summary>The one-viewer rules, asked of every connected viewer <c>v</c> at once.</summary>
    private static string ForEach(string rule) => rule.Replace("@viewer", "v.id", StringComparison.Ordinal);

    private async Task<IReadOnlyList<(Subscription, StreamMessage)>> NotificationAsync(
        DbConnection connection, StreamEventRow row, IReadOnlyCollection<Subscription> subscriptions, CancellationToken cancellationToken)
    {
        var mine = subscriptions.Where(s => s.Viewer == row.AccountId && s.Key.Name is StreamNames.User or StreamNames.UserNotification).ToList();
        if (mine.Count == 0)
            return [];
        var now = time.GetUtcNow();
        var found = await connection.QuerySingleOrDefaultAsync<NotificationViews.Row>(connection.Command(
            $"SELECT {NotificationViews.Row.Columns} FROM notifications n WHERE n.id = @id {NotificationViews.Shown}",
            new { id = row.NotificationId, viewer = row.AccountId, now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        if (found is null)
            return [];
        var rendered = await notifications.RenderAsync(connection, row.AccountId, [found], cancellationToken, mine[0].Filters.In(FilterContexts.Notifications, now));
        if (rendered.Count == 0 || rendered[0].Status is { } status && FilterScope.Hides(status))
            return [];
        var payload = JsonSerializer.Serialize(rendered[0], MastodonJson.Default.Notification);
        return mine.Select(s => (s, new StreamMessage(row.Id, row.Kind, payload, s.Key))).ToList();
    }

    /// <summary>The owner's <c>direct</c> streams get the conversation as it now is, if they are shown it.</summary>
    private async Task<IReadOnlyList<(Subscription, StreamMessage)>> ConversationAsync(
        DbConnection connection, StreamEventRow row, IReadOnlyCollection<Subscription> subscriptions, CancellationToken cancellationToken)
    {
        var mine = subscriptions.Where(s => s.Viewer == row.AccountId && s.Key.Name == StreamNames.Direct).ToList();
        if (mine.Count == 0)
            return [];
        var conversation = await conversations.FindAsync(connection, row.AccountId, null, row.StatusId, time.GetUtcNow(), cancellationToken);
        if (conversation is null)
            return [];
        var payload = JsonSerializer.Serialize(conversation, MastodonJson.Default.Conversation);
        return mine.Select(s => (s, new StreamMessage(row.Id, row.Kind, payload, s.Key))).ToList();
    }
}
