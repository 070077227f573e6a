using System.Data.Common;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Accounts;

/// <summary>A page of accounts (followers, who favourited, …), paged on the row that links them, with the <c>Link</c> header.</summary>
public static class AccountPage
{
    private sealed class Entry
    {
        public long Cursor { get; init; }
        public long AccountId { get; init; }
    }

    /// <param name="select">SELECT … AS cursor, … AS account_id FROM … WHERE …, without ORDER BY or LIMIT.</param>
    public static async Task<IReadOnlyList<Account>> ReadAsync(
        HttpContext http, DbConnection connection, AccountViews accounts, string select, string cursor, object parameters, CancellationToken cancellationToken)
    {
        var page = Page.From(http.Request, defaultLimit: 40, maxLimit: 80);
        var entries = page.Newest(await connection.QueryAsync<Entry>(connection.Command(
            $"{select} {page.Bounds(cursor)} ORDER BY {page.OrderBy(cursor)} LIMIT @page_limit",
            page.AddTo(new DynamicParameters(parameters)), cancellationToken: cancellationToken)));
        PageLinks.Add(http, entries.FirstOrDefault()?.Cursor, entries.LastOrDefault()?.Cursor);
        return await accounts.LoadOrderedAsync(connection, entries.Select(e => e.AccountId).ToList(), cancellationToken);
    }
}
