using System.Data.Common;
using Dapper;
using Npgsql;
using Pinhole.Data;

namespace Pinhole.Server.Features.Streaming;

/// <summary>
/// Wakes the dispatchers when events are written: the one small interface between the embedded mode (one process)
/// and the scale-out mode (several nodes on one PostgreSQL). Dispatchers also look every
/// <c>Pinhole:Streaming:PollMilliseconds</c>, so a lost wake-up only delays an event, never loses it.
/// </summary>
public interface IStreamSignal
{
    /// <summary>Called inside the transaction that wrote an event.</summary>
    Task RaiseAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Returns when an event may have been written, or after <paramref name="timeout"/>.</summary>
    Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>A wake-up that coalesces: raised any number of times while nobody waits, it wakes the next wait once.</summary>
public sealed class Wakeup : IDisposable
{
    private readonly SemaphoreSlim _raised = new(0, 1);

    public void Raise()
    {
        try
        {
            _raised.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already raised: one wake-up covers every event written since.
        }
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _raised.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _raised.Dispose();
}

/// <summary>
/// One process: the dispatcher is woken once the writing transaction has committed. Woken before, it could look
/// while the event is still invisible to it and then sleep until the next poll.
/// </summary>
public sealed class InProcessStreamSignal(Db db) : IStreamSignal, IDisposable
{
    private readonly Wakeup _wakeup = new();

    public Task RaiseAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        db.AfterCommit(transaction, _wakeup.Raise);
        return Task.CompletedTask;
    }

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _wakeup.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _wakeup.Dispose();
}

/// <summary>
/// Several nodes: <c>NOTIFY pinhole_stream</c> inside the writing transaction, which PostgreSQL delivers to every
/// listening node (this one included) only once it commits; each node listens on one connection of its own.
/// </summary>
public sealed partial class PostgresStreamSignal(string connectionString, ILogger<PostgresStreamSignal> logger) : IStreamSignal, IDisposable
{
    public const string Channel = "pinhole_stream";

    private readonly Wakeup _local = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _listening;

    public Task RaiseAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(connection.Command($"NOTIFY {Channel}", null, transaction, cancellationToken));

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _listening ??= Task.Run(() => ListenAsync(_stopping.Token), CancellationToken.None);
        return _local.WaitAsync(timeout, cancellationToken);
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                connection.Notification += (_, _) => _local.Raise();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                while (!cancellationToken.IsCancellationRequested)
                    await connection.WaitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The dispatcher keeps polling meanwhile; listen again after a pause.
                LogListenFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        _local.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening for stream events failed")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
