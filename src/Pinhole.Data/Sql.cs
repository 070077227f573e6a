using System.Data.Common;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Pinhole.Data;

/// <summary>
/// Builds Dapper commands, written once for both databases. The one construct that differs is a list parameter:
/// SQL here says <c>x IN @ids</c> (Dapper expands it on SQLite), and on PostgreSQL, where Dapper sends the list
/// as one array, it becomes <c>x = ANY(@ids)</c>.
/// </summary>
public static partial class Sql
{
    [GeneratedRegex(@"\bNOT\s+IN\s+@(\w+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NotInList();

    [GeneratedRegex(@"\bIN\s+@(\w+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InList();

    public static CommandDefinition Command(this DbConnection connection, string sql, object? parameters = null,
        DbTransaction? transaction = null, CancellationToken cancellationToken = default) =>
        new(connection is NpgsqlConnection ? ForPostgres(sql) : sql, parameters, transaction, cancellationToken: cancellationToken);

    /// <summary>
    /// <c>column</c> is one of the ids in <paramref name="parameter"/> (bound with <see cref="IdList"/>), for lists that
    /// can be long. Dapper expands <c>IN @ids</c> into one named parameter per id, and SQLite finds each name by a linear
    /// search: a thousand ids cost half a million string compares. SQLite is given the ids as one JSON array instead.
    /// </summary>
    public static string InIdList(this DbConnection connection, string column, string parameter) =>
        connection is NpgsqlConnection ? $"{column} = ANY(@{parameter})" : $"{column} IN (SELECT value FROM json_each(@{parameter}))";

    /// <summary>The value of a parameter that <see cref="InIdList"/> names.</summary>
    public static object IdList(this DbConnection connection, IReadOnlyCollection<long> ids) =>
        connection is NpgsqlConnection ? ids.ToArray() : "[" + string.Join(',', ids) + "]";

    public static string ForPostgres(string sql) =>
        InList().Replace(NotInList().Replace(sql, "<> ALL(@$1)"), "= ANY(@$1)");
}
