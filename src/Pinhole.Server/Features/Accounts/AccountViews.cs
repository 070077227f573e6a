using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.Features.Statuses;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Accounts;

/// <summary>Loads accounts and renders them as Mastodon Account entities, a page at a time.</summary>
public sealed class AccountViews(PublicUrl urls)
{
    public async Task<IReadOnlyDictionary<long, Account>> LoadAsync(DbConnection connection, IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        var distinct = ids.Distinct().ToArray();
        if (distinct.Length == 0)
            return new Dictionary<long, Account>();
        var rows = await connection.QueryAsync<AccountRow>(connection.Command(
            $"SELECT {AccountRow.Columns} FROM accounts a WHERE a.id IN @distinct", new { distinct }, cancellationToken: cancellationToken));
        return await RenderAsync(connection, rows.ToList(), cancellationToken);
    }

    public async Task<Account?> LoadAsync(DbConnection connection, long id, CancellationToken cancellationToken) =>
        (await LoadAsync(connection, [id], cancellationToken)).GetValueOrDefault(id);

    /// <summary>Accounts in the order of <paramref name="ids"/>, skipping any that no longer exist.</summary>
    public async Task<IReadOnlyList<Account>> LoadOrderedAsync(DbConnection connection, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        var accounts = await LoadAsync(connection, ids, cancellationToken);
        return ids.Where(accounts.ContainsKey).Select(id => accounts[id]).ToList();
    }

    public async Task<IReadOnlyDictionary<long, Account>> RenderAsync(DbConnection connection, IReadOnlyList<AccountRow> rows, CancellationToken cancellationToken)
    {
        // Bios link only the @mentions that name real accounts; one query finds them for the whole batch.
        var mentioned = rows.SelectMany(r => StatusText.Parse(r.Note).Mentions).Distinct().ToArray();
        var existing = mentioned.Length == 0
            ? []
            : (await connection.QueryAsync<string>(connection.Command(
                "SELECT username_key FROM accounts WHERE username_key IN @mentioned", new { mentioned }, cancellationToken: cancellationToken))).ToHashSet();
        return rows.ToDictionary(r => r.Id, r => Render(r, existing));
    }

    private Account Render(AccountRow row, IReadOnlySet<string> knownUsernames)
    {
        var avatar = row.AvatarKey is null ? urls.Asset("images/avatar.png") : urls.Media(row.AvatarKey);
        var header = row.HeaderKey is null ? urls.Asset("images/header.png") : urls.Media(row.HeaderKey);
        return new Account
        {
            Id = row.Id.ToString(CultureInfo.InvariantCulture),
            Username = row.Username,
            Acct = row.Username,
            DisplayName = row.DisplayName,
            Locked = row.Locked,
            Bot = row.Bot,
            Discoverable = row.Discoverable,
            Indexable = row.Discoverable,
            CreatedAt = DateOnlyMidnight(row.CreatedAt),
            Note = RenderText(row.Note, knownUsernames),
            Url = urls.Profile(row.Username),
            Uri = urls.ActorUri(row.Username),
            Avatar = avatar,
            AvatarStatic = avatar,
            Header = header,
            HeaderStatic = header,
            FollowersCount = row.FollowersCount,
            FollowingCount = row.FollowingCount,
            StatusesCount = row.StatusesCount,
            LastStatusAt = row.LastStatusAt is { } last
                ? DateTimeOffset.FromUnixTimeMilliseconds(last).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                : null,
            Fields = ParseFields(row.Fields).Select(f => f with { Value = RenderText(f.Value, knownUsernames) }).ToList(),
            Pinhole = new AccountExtension(row.Organization),
        };
    }

    public string RenderText(string text, IReadOnlySet<string> knownUsernames) =>
        StatusText.ToHtml(text, u => knownUsernames.Contains(u) ? urls.Profile(u) : null, urls.Tag);

    public static IReadOnlyList<AccountField> ParseFields(string json) =>
        JsonSerializer.Deserialize(json, MastodonJson.Default.IReadOnlyListAccountField) ?? [];

    // Mastodon reports an account's creation as a date (midnight UTC), so it does not reveal when someone signed up to the minute.
    private static DateTimeOffset DateOnlyMidnight(long milliseconds) =>
        new(DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime.Date, TimeSpan.Zero);
}
