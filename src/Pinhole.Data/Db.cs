using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Pinhole.Data;

/// <summary>
/// The one way Pinhole reaches its database. Features write plain SQL with Dapper against the connections it
/// opens; the SQL is the same for both providers except where <see cref="Dialect"/> says otherwise.
/// </summary>
public sealed class Db : IAsyncDisposable
{
    private readonly ConditionalWeakTable<DbTransaction, List<Action>> _afterCommit = new();

    // SQLite allows one writer at a time. Queueing writers here, in-process, costs nothing and keeps them from
    // spinning on SQLITE_BUSY; busy_timeout still covers a second process on the same file.
    private readonly SemaphoreSlim? _sqliteWriteGate;
    private readonly NpgsqlDataSource? _postgres;
    private readonly string _connectionString;
    private readonly ConditionalWeakTable<object, object> _configuredSqliteHandles = [];
    private static readonly object Configured = new();

    // Columns are snake_case (created_at), properties PascalCase (CreatedAt); Dapper's switch for that is process-wide.
    static Db() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    private Db(DatabaseProvider provider, string connectionString)
    {
        Provider = provider;
        Dialect = new SqlDialect(provider);
        _connectionString = connectionString;
        if (provider == DatabaseProvider.Sqlite)
            _sqliteWriteGate = new SemaphoreSlim(1, 1);
        else
            _postgres = NpgsqlDataSource.Create(connectionString);
    }

    public DatabaseProvider Provider { get; }

    public SqlDialect Dialect { get; }

    public static Db Sqlite(string path)
    {
        SqliteSetup.EnsureInitialized();
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
        };
        return new Db(DatabaseProvider.Sqlite, builder.ToString());
    }

    /// <summary>
    /// PostgreSQL. Unless the connection string says otherwise, Npgsql prepares the statements a connection runs
    /// repeatedly, so PostgreSQL plans each timeline query once per connection instead of once per request.
    /// </summary>
    public static Db Postgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }
        return new Db(DatabaseProvider.Postgres, builder.ToString());
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
            return await _postgres.OpenConnectionAsync(cancellationToken);

        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Per-connection settings, applied once to each physical connection: the pool hands the same native
        // handle out again and again, and it keeps them.
        if (!_configuredSqliteHandles.TryGetValue(connection.Handle!, out _))
        {
            using var pragma = connection.CreateCommand();
            pragma.CommandText = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = NORMAL;";
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            _configuredSqliteHandles.AddOrUpdate(connection.Handle!, Configured);
        }
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in one transaction and commits it; rolls back if it throws.</summary>
    public async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_sqliteWriteGate is not null)
            await _sqliteWriteGate.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            if (_afterCommit.TryGetValue(transaction, out var actions))
            {
                _afterCommit.Remove(transaction);
                foreach (var action in actions)
                    action();
            }
            return result;
        }
        finally
        {
            _sqliteWriteGate?.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> once <paramref name="transaction"/> (one of <see cref="WriteAsync{T}"/>'s) has
    /// committed, and never if it rolls back: for telling others about rows they can only see after the commit.
    /// </summary>
    public void AfterCommit(DbTransaction transaction, Action action) => _afterCommit.GetOrCreateValue(transaction).Add(action);

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken) =>
        WriteAsync<bool>(async (connection, transaction) =>
        {
            await work(connection, transaction);
            return true;
        }, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        _sqliteWriteGate?.Dispose();
        if (Provider == DatabaseProvider.Sqlite)
            SqliteConnection.ClearAllPools();
    }
}
