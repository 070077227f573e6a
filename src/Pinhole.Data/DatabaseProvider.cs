namespace Pinhole.Data;

/// <summary>The two databases Pinhole runs on: embedded SQLite (the default) and PostgreSQL for several nodes.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}
