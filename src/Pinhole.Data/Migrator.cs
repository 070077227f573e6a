using System.Data.Common;
using System.Globalization;
using Dapper;

namespace Pinhole.Data;

/// <summary>One schema step: a numbered SQL script embedded in this assembly, per provider.</summary>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>
/// Applies the embedded, numbered SQL scripts that a database has not seen yet, in order, each once. Every
/// process runs this at start; a lock held for the whole check-and-apply makes a second process starting at the
/// same moment wait and then find nothing left to do.
/// </summary>
public static class Migrator
{
    // Any fixed number: PostgreSQL advisory locks are keyed by a bigint chosen by the application.
    private const long PostgresLockKey = 0x50696e686f6c65; // "Pinhole"

    public static IReadOnlyList<Migration> Available(DatabaseProvider provider)
    {
        var prefix = $"Pinhole.Data.Migrations.{new SqlDialect(provider).MigrationFolder}/";
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            var file = resource[prefix.Length..];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file.AsSpan(0, underscore), CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(version, Path.GetFileNameWithoutExtension(file), reader.ReadToEnd()));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"Migrations must be numbered 1, 2, 3…; found {migrations[i].Name}.");
        }
        return migrations;
    }

    /// <summary>Brings the schema up to <paramref name="targetVersion"/> (default: the newest); returns the versions applied.</summary>
    public static async Task<IReadOnlyList<int>> MigrateAsync(Db db, TimeProvider time, CancellationToken cancellationToken, int? targetVersion = null)
    {
        var wanted = Available(db.Provider).Where(m => targetVersion is null || m.Version <= targetVersion).ToList();
        await using var connection = await db.OpenAsync(cancellationToken);
        if (db.Dialect.IsSqlite)
        {
            // WAL lets readers run beside the single writer; it is a property of the file, set outside any transaction.
            await connection.ExecuteAsync(connection.Command("PRAGMA journal_mode = WAL;", cancellationToken: cancellationToken));
        }

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!db.Dialect.IsSqlite)
        {
            await connection.ExecuteAsync(connection.Command(
                "SELECT pg_advisory_xact_lock(@key)", new { key = PostgresLockKey }, transaction, cancellationToken: cancellationToken));
        }
        // On SQLite the transaction itself is the lock: Microsoft.Data.Sqlite begins it IMMEDIATE, taking the write lock now.
        await connection.ExecuteAsync(connection.Command(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            transaction: transaction, cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<int>(connection.Command(
            "SELECT version FROM schema_migrations", transaction: transaction, cancellationToken: cancellationToken))).ToHashSet();

        var done = new List<int>();
        foreach (var migration in wanted.Where(m => !applied.Contains(m.Version)))
        {
            await ExecuteScriptAsync(connection, transaction, migration, cancellationToken);
            await connection.ExecuteAsync(connection.Command(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @at)",
                new { migration.Version, migration.Name, at = time.GetUtcNow().ToUnixTimeMilliseconds() },
                transaction, cancellationToken: cancellationToken));
            done.Add(migration.Version);
        }
        await transaction.CommitAsync(cancellationToken);
        return done;
    }

    private static async Task ExecuteScriptAsync(DbConnection connection, DbTransaction transaction, Migration migration, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = migration.Sql;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (DbException e)
        {
            throw new InvalidOperationException($"Migration {migration.Name} failed: {e.Message}", e);
        }
    }
}
