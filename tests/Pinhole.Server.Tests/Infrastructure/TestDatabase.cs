using Npgsql;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>
/// Which database the suite runs on: SQLite by default, PostgreSQL when PINHOLE_TEST_DATABASE=postgres (the test
/// script starts a throwaway server and sets PINHOLE_TEST_POSTGRES). Each test gets a database of its own.
/// </summary>
public static class TestDatabase
{
    public static bool IsPostgres =>
        string.Equals(Environment.GetEnvironmentVariable("PINHOLE_TEST_DATABASE"), "postgres", StringComparison.OrdinalIgnoreCase);

    private static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("PINHOLE_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=54329;Username=postgres;Database=postgres";

    /// <summary>A new, empty PostgreSQL database; returns its connection string.</summary>
    public static async Task<string> CreatePostgresAsync(CancellationToken cancellationToken)
    {
        var name = "pinhole_" + Guid.NewGuid().ToString("N");
        await using (var admin = new NpgsqlConnection(AdminConnectionString))
        {
            await admin.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true, MaxPoolSize = 20 }.ToString();
    }

    public static async Task DropPostgresAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
