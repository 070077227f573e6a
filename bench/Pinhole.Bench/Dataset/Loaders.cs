using System.Diagnostics;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Pinhole.Data;

namespace Pinhole.Bench.Dataset;

/// <summary>
/// Writes the dataset straight into a freshly migrated database: prepared statements inside one transaction per
/// table on SQLite, binary COPY inside one transaction on PostgreSQL. Afterwards the planner gets its statistics
/// (what a long-running server accumulates on its own).
/// </summary>
public static class Loaders
{
    public static async Task LoadAsync(Db db, DatasetRows rows, Action<string> log, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var existing = await connection.ExecuteScalarAsync<long>(connection.Command("SELECT COUNT(*) FROM accounts", cancellationToken: cancellationToken));
        if (existing > 0)
            throw new UsageException($"The database already holds {existing} accounts; generate into an empty one.");

        if (connection is SqliteConnection sqlite)
            await LoadSqliteAsync(sqlite, rows, log, cancellationToken);
        else
            await LoadPostgresAsync((NpgsqlConnection)connection, rows, log, cancellationToken);
    }

    private static async Task LoadSqliteAsync(SqliteConnection connection, DatasetRows rows, Action<string> log, CancellationToken cancellationToken)
    {
        // A large page cache keeps index pages in memory while millions of keys go in.
        await connection.ExecuteAsync("PRAGMA cache_size = -262144");
        foreach (var table in Tables.Of(rows).Where(t => t.Count > 0))
        {
            var watch = Stopwatch.StartNew();
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText =
                $"INSERT INTO {table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}) " +
                $"VALUES ({string.Join(", ", table.Columns.Select((_, i) => "$p" + i))})";
            var parameters = table.Columns.Select((_, i) => command.Parameters.Add(new SqliteParameter("$p" + i, null))).ToArray();
            command.Prepare();
            foreach (var row in table.Rows)
            {
                for (var i = 0; i < row.Length; i++)
                    parameters[i].Value = row[i] ?? DBNull.Value;
                command.ExecuteNonQuery();
            }
            await transaction.CommitAsync(cancellationToken);
            log($"{table.Name}: {table.Count:N0} rows in {watch.Elapsed.TotalSeconds:F1} s");
        }
        var analyze = Stopwatch.StartNew();
        await connection.ExecuteAsync("ANALYZE;");
        await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        log($"ANALYZE and checkpoint in {analyze.Elapsed.TotalSeconds:F1} s");
    }

    private static async Task LoadPostgresAsync(NpgsqlConnection connection, DatasetRows rows, Action<string> log, CancellationToken cancellationToken)
    {
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            foreach (var table in Tables.Of(rows).Where(t => t.Count > 0))
            {
                var watch = Stopwatch.StartNew();
                var copy = $"COPY {table.Name} ({string.Join(", ", table.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";
                await using (var writer = await connection.BeginBinaryImportAsync(copy, cancellationToken))
                {
                    var types = table.Columns.Select(c => PostgresType(c.Type)).ToArray();
                    foreach (var row in table.Rows)
                    {
                        await writer.StartRowAsync(cancellationToken);
                        for (var i = 0; i < row.Length; i++)
                        {
                            if (row[i] is null)
                                await writer.WriteNullAsync(cancellationToken);
                            else
                                await writer.WriteAsync(row[i], types[i], cancellationToken);
                        }
                    }
                    await writer.CompleteAsync(cancellationToken);
                }
                log($"{table.Name}: {table.Count:N0} rows in {watch.Elapsed.TotalSeconds:F1} s");
            }
            await transaction.CommitAsync(cancellationToken);
        }
        // VACUUM as well as ANALYZE: autovacuum would do the same shortly after a bulk insert, mid-benchmark;
        // doing it now keeps it out of the measurements and gives index-only scans their visibility map.
        var analyze = Stopwatch.StartNew();
        await connection.ExecuteAsync(new CommandDefinition("VACUUM ANALYZE;", commandTimeout: 600, cancellationToken: cancellationToken));
        log($"VACUUM ANALYZE in {analyze.Elapsed.TotalSeconds:F1} s");
    }

    private static NpgsqlDbType PostgresType(ColumnType type) => type switch
    {
        ColumnType.BigInt => NpgsqlDbType.Bigint,
        ColumnType.Int4 => NpgsqlDbType.Integer,
        ColumnType.Bool => NpgsqlDbType.Boolean,
        _ => NpgsqlDbType.Text,
    };

    /// <summary>Opens the database the way the server does and brings its schema up to date.</summary>
    public static async Task<Db> OpenAndMigrateAsync(DatabaseProvider provider, string target, CancellationToken cancellationToken)
    {
        var db = provider == DatabaseProvider.Sqlite ? Db.Sqlite(target) : Db.Postgres(target);
        await Migrator.MigrateAsync(db, TimeProvider.System, cancellationToken);
        return db;
    }
}
