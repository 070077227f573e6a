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

    public static string ForPostgres(string sql) =>
        InList().Replace(NotInList().Replace(sql, "<> ALL(@$1)"), "= ANY(@$1)");
}
