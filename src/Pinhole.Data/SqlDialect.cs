namespace Pinhole.Data;

/// <summary>
/// The few places where SQLite and PostgreSQL SQL differ. Everything else (ON CONFLICT, RETURNING, LIMIT,
/// TRUE/FALSE, WITH RECURSIVE, partial indexes) is written once and runs on both.
/// </summary>
public sealed class SqlDialect(DatabaseProvider provider)
{
    public bool IsSqlite => provider == DatabaseProvider.Sqlite;

    /// <summary>The folder under Migrations/ that holds this provider's schema history.</summary>
    public string MigrationFolder => IsSqlite ? "Sqlite" : "Postgres";
}
