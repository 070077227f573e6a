using System.Data.Common;
using System.Globalization;
using Dapper;
using Pinhole.Data;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.CustomFilters;

/// <summary>A <c>filters</c> row.</summary>
public sealed class FilterRow
{
    public const string Columns = "f.id, f.account_id, f.title, f.context, f.action, f.expires_at";

    public long Id { get; init; }
    public long AccountId { get; init; }
    public string Title { get; init; } = "";
    public string Context { get; init; } = "";
    public string Action { get; init; } = FilterActions.Warn;
    public long? ExpiresAt { get; init; }

    public IReadOnlyList<string> Contexts => Context.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The filter as Mastodon shows it; without keywords and posts (as inside a FilterResult) unless given.</summary>
    public Filter ToEntity(IEnumerable<KeywordRow>? keywords = null, IEnumerable<FilterStatusRow>? statuses = null) => new()
    {
        Id = Text(Id),
        Title = Title,
        Context = Contexts,
        ExpiresAt = ExpiresAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null,
        FilterAction = Action,
        Keywords = keywords?.Select(k => k.ToEntity()).ToList(),
        Statuses = statuses?.Select(s => s.ToEntity()).ToList(),
    };

    internal static string Text(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A <c>filter_keywords</c> row.</summary>
public sealed class KeywordRow
{
    public const string Columns = "k.id, k.filter_id, k.keyword, k.whole_word";

    public long Id { get; init; }
    public long FilterId { get; init; }
    public string Keyword { get; init; } = "";
    public bool WholeWord { get; init; }

    public FilterKeyword ToEntity() => new(FilterRow.Text(Id), Keyword, WholeWord);
}

/// <summary>A <c>filter_statuses</c> row.</summary>
public sealed class FilterStatusRow
{
    public const string Columns = "fs.id, fs.filter_id, fs.status_id";

    public long Id { get; init; }
    public long FilterId { get; init; }
    public long StatusId { get; init; }

    public FilterStatus ToEntity() => new(FilterRow.Text(Id), FilterRow.Text(StatusId));
}

/// <summary>A filter with its keywords and posts.</summary>
public sealed record StoredFilter(FilterRow Filter, IReadOnlyList<KeywordRow> Keywords, IReadOnlyList<FilterStatusRow> Statuses)
{
    public Filter ToEntity() => Filter.ToEntity(Keywords, Statuses);
}

public static class StoredFilters
{
    /// <summary>
    /// An account's filters (or just <paramref name="only"/>) with their keywords and posts, oldest first, in one round
    /// trip. A filter of someone else is simply not there.
    /// </summary>
    public static async Task<IReadOnlyList<StoredFilter>> LoadAsync(DbConnection connection, long owner, long? only, CancellationToken cancellationToken,
        DbTransaction? transaction = null)
    {
        var one = only is null ? "" : "AND f.id = @only";
        await using var results = await connection.QueryMultipleAsync(connection.Command(
            $"""
            SELECT {FilterRow.Columns} FROM filters f WHERE f.account_id = @owner {one} ORDER BY f.id;
            SELECT {KeywordRow.Columns} FROM filter_keywords k JOIN filters f ON f.id = k.filter_id WHERE f.account_id = @owner {one} ORDER BY k.id;
            SELECT {FilterStatusRow.Columns} FROM filter_statuses fs JOIN filters f ON f.id = fs.filter_id WHERE f.account_id = @owner {one} ORDER BY fs.id;
            """, new { owner, only }, transaction, cancellationToken));
        var filters = (await results.ReadAsync<FilterRow>()).ToList();
        var keywords = (await results.ReadAsync<KeywordRow>()).ToLookup(k => k.FilterId);
        var statuses = (await results.ReadAsync<FilterStatusRow>()).ToLookup(s => s.FilterId);
        return filters.Select(f => new StoredFilter(f, keywords[f.Id].ToList(), statuses[f.Id].ToList())).ToList();
    }

    /// <summary>The caller's filter <paramref name="id"/>; 404 when there is none or it is someone else's.</summary>
    public static async Task<StoredFilter> OwnAsync(DbConnection connection, long owner, long id, CancellationToken cancellationToken, DbTransaction? transaction = null) =>
        (await LoadAsync(connection, owner, id, cancellationToken, transaction)).SingleOrDefault() ?? throw MastodonApi.ApiException.NotFound();
}
