using System.Net;
using System.Net.Sockets;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback that makes the network between a test's client and a server bad on purpose:
/// connections reset after so many bytes, latency, a bandwidth cap, and black holes where bytes vanish without
/// an answer. Bytes stream through small pooled buffers, so a large upload costs little memory.
/// </summary>
public sealed class FlakyProxy : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _lock = new();
    private readonly HashSet<FlakyConnection> _live = [];
    private readonly List<Socket> _silent = [];
    private readonly FlakyPacer _upstream = new();
    private readonly FlakyPacer _downstream = new();
    private readonly Task _accepting;
    private bool _blackHoled;
    private long _bytesClientToServer;
    private long _bytesServerToClient;
    private long _connectionsAccepted;
    private long _cuts;

    private FlakyProxy(EndPoint target, FlakyProxyOptions options)
    {
        Target = target;
        Options = options;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(128);
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/");
        _accepting = AcceptAsync(_stopping.Token);
    }

    /// <summary>Starts a proxy to the host and port of <paramref name="target"/> (a server's base address).</summary>
    public static FlakyProxy Start(Uri target, FlakyProxyOptions? options = null) =>
        Start(new DnsEndPoint(target.Host, target.Port), options);

    public static FlakyProxy Start(EndPoint target, FlakyProxyOptions? options = null) => new(target, options ?? new());

    /// <summary>The proxy's own address: give this to the client instead of the server's.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Where new connections go; a test that restarts its server on another port points the proxy there.</summary>
    public EndPoint Target
    {
        get => Volatile.Read(ref field);
        set => Volatile.Write(ref field, value);
    }

    public FlakyProxyOptions Options
    {
        get => Volatile.Read(ref field);
        set => Volatile.Write(ref field, value);
    }

    /// <summary>Bytes delivered to the server (not those dropped by a black hole).</summary>
    public long BytesClientToServer => Interlocked.Read(ref _bytesClientToServer);

    /// <summary>Bytes delivered to the client.</summary>
    public long BytesServerToClient => Interlocked.Read(ref _bytesServerToClient);

    public long ConnectionsAccepted => Interlocked.Read(ref _connectionsAccepted);

    /// <summary>Connections reset because they reached <see cref="FlakyProxyOptions.CutAfterBytes"/>.</summary>
    public long Cuts => Interlocked.Read(ref _cuts);

    /// <summary>
    /// From now on bytes are read from every socket and dropped: clients and server see a connection that takes
    /// everything and never answers. New connections are accepted the same way and never reach the server.
    /// </summary>
    public void StartBlackHole()
    {
        lock (_lock)
        {
            _blackHoled = true;
            foreach (var connection in _live)
                connection.Doom();
        }
    }

    /// <summary>
    /// Ends the black hole by resetting every connection that lived through it: the bytes they lost would
    /// otherwise leave both ends waiting on a stream that can never be made whole again.
    /// </summary>
    public void EndBlackHole()
    {
        List<FlakyConnection> doomed;
        lock (_lock)
        {
            _blackHoled = false;
            doomed = _live.Where(connection => connection.IsDoomed).ToList();
        }
        foreach (var connection in doomed)
            connection.Kill();
    }

    /// <summary>A black hole for <paramref name="duration"/>, then recovery (see <see cref="EndBlackHole"/>).</summary>
    public async Task BlackHoleAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        StartBlackHole();
        try
        {
            await Task.Delay(duration, cancellationToken);
        }
        finally
        {
            EndBlackHole();
        }
    }

    internal FlakyPacer Pacer(bool clientToServer) => clientToServer ? _upstream : _downstream;

    internal void Forwarded(bool clientToServer, int bytes) =>
        Interlocked.Add(ref clientToServer ? ref _bytesClientToServer : ref _bytesServerToClient, bytes);

    internal void Cut() => Interlocked.Increment(ref _cuts);

    /// <summary>Keeps a server-side socket open and unanswered until the proxy is disposed (see <see cref="FlakyProxyOptions.SilentCut"/>).</summary>
    internal void KeepSilent(Socket server)
    {
        lock (_lock)
            _silent.Add(server);
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            FlakyConnection connection;
            lock (_lock)
            {
                // Counted under the lock, so a test that sees the count also knows a black hole covers it.
                Interlocked.Increment(ref _connectionsAccepted);
                connection = new FlakyConnection(this, client, doomed: _blackHoled);
                _live.Add(connection);
            }
            connection.Completion = RunAsync(connection);
        }
    }

    private async Task RunAsync(FlakyConnection connection)
    {
        // Off the accept loop's thread, so one slow connect does not hold up the next accept.
        await Task.Yield();
        await connection.RunAsync(Target);
        lock (_lock)
            _live.Remove(connection);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _accepting;
        List<FlakyConnection> live;
        lock (_lock)
            live = [.. _live];
        foreach (var connection in live)
            connection.Kill();
        await Task.WhenAll(live.Select(connection => connection.Completion));
        lock (_lock)
        {
            foreach (var socket in _silent)
                socket.Dispose();
        }
        _stopping.Dispose();
    }
}
