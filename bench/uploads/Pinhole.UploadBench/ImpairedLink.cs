using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Pinhole.UploadBench;

/// <summary>
/// A slow, distant, dropping mobile link as a TCP proxy on loopback (this kernel has no netem: see REPORT.md). Each
/// direction is a link of its own: bytes are taken from the sender only as fast as the link serialises them (so the
/// sender feels the bottleneck, as behind a real one, instead of filling the proxy), then cross a delay line of half
/// the round trip. A connection is reset on both sides (RST, as a dropped mobile connection looks to each end) once
/// it has carried a given number of bytes towards the server; the next connection gets the same allowance.
/// </summary>
internal sealed class ImpairedLink : IAsyncDisposable
{
    // 4 KB takes 33 ms at 1 Mbit/s: fine enough that the link is never idle for long between pieces.
    private const int Piece = 4 * 1024;

    // The proxy's receive buffer: the queue in front of the bottleneck, kept small so that what the client counts as
    // sent is close to what crossed the link.
    private const int QueueBytes = 64 * 1024;

    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stopping = new();
    private readonly EndPoint _target;
    private readonly long _bytesPerSecond;
    private readonly TimeSpan _delay;
    private readonly long? _cutEvery;
    private readonly Pacer _up;
    private readonly Pacer _down;
    private readonly Task _accepting;
    private readonly List<Task> _connections = [];
    private long _bytesUp;
    private long _bytesDown;
    private long _accepted;
    private long _cuts;

    public ImpairedLink(EndPoint target, long bytesPerSecond, TimeSpan roundTrip, long? cutEvery)
    {
        _target = target;
        _bytesPerSecond = bytesPerSecond;
        _delay = roundTrip / 2;
        _cutEvery = cutEvery;
        _up = new Pacer(bytesPerSecond);
        _down = new Pacer(bytesPerSecond);
        _listener.ReceiveBufferSize = QueueBytes;
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndPoint!).Port}/");
        _accepting = AcceptAsync(_stopping.Token);
    }

    public Uri BaseAddress { get; }

    /// <summary>Bytes that crossed the link towards the server.</summary>
    public long BytesUp => Interlocked.Read(ref _bytesUp);

    public long BytesDown => Interlocked.Read(ref _bytesDown);

    public long Connections => Interlocked.Read(ref _accepted);

    public long Cuts => Interlocked.Read(ref _cuts);

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
            Interlocked.Increment(ref _accepted);
            lock (_connections)
                _connections.Add(Task.Run(() => CarryAsync(client, cancellationToken), cancellationToken));
        }
    }

    private async Task CarryAsync(Socket client, CancellationToken stopping)
    {
        using var killed = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        using var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(_target, killed.Token);
            var up = DirectionAsync(client, server, _up, _cutEvery, bytes => Interlocked.Add(ref _bytesUp, bytes), killed.Token);
            var down = DirectionAsync(server, client, _down, null, bytes => Interlocked.Add(ref _bytesDown, bytes), killed.Token);
            // A failure on either side ends both; a side closed cleanly lets the other run to its end.
            var cut = await await Task.WhenAny(up, down);
            if (!cut)
            {
                await Task.WhenAll(up, down);
                cut = await up;
            }
            if (cut)
                Interlocked.Increment(ref _cuts);
        }
        catch (Exception e) when (IsNetworkFailure(e))
        {
            // Either end went away: the other is reset below, as a dropped link would leave it.
        }
        finally
        {
            await killed.CancelAsync();
            Reset(client);
            Reset(server);
        }
    }

    /// <summary>One direction until its sender closes, the link drops (returns true) or the connection dies.</summary>
    private async Task<bool> DirectionAsync(Socket from, Socket to, Pacer pacer, long? cutAfter, Action<int> crossed, CancellationToken cancellationToken)
    {
        var line = Channel.CreateUnbounded<(byte[] Bytes, int Length, long ArrivesAt, bool CutAfter)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var delivering = DeliverAsync(line.Reader, to, cancellationToken);
        long carried = 0;
        try
        {
            while (true)
            {
                var buffer = new byte[Piece];
                var allowance = cutAfter is { } limit ? (int)Math.Min(Piece, limit - carried) : Piece;
                var length = await from.ReceiveAsync(buffer.AsMemory(0, allowance), SocketFlags.None, cancellationToken);
                if (length == 0)
                {
                    line.Writer.Complete();
                    return await delivering;
                }
                // Nothing more is taken from the sender until these bytes have been serialised onto the link.
                await pacer.SerialiseAsync(length, cancellationToken);
                crossed(length);
                carried += length;
                var cut = carried == cutAfter;
                line.Writer.TryWrite((buffer, length, Stopwatch.GetTimestamp() + (long)(_delay.TotalSeconds * Stopwatch.Frequency), cut));
                if (cut)
                {
                    line.Writer.Complete();
                    return await delivering;
                }
            }
        }
        catch
        {
            line.Writer.TryComplete();
            throw;
        }
    }

    /// <summary>The far end of the delay line; true when the link dropped after its last piece.</summary>
    private static async Task<bool> DeliverAsync(ChannelReader<(byte[] Bytes, int Length, long ArrivesAt, bool CutAfter)> line, Socket to,
        CancellationToken cancellationToken)
    {
        await foreach (var piece in line.ReadAllAsync(cancellationToken))
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), piece.ArrivesAt);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
            for (var sent = 0; sent < piece.Length;)
                sent += await to.SendAsync(piece.Bytes.AsMemory(sent, piece.Length - sent), SocketFlags.None, cancellationToken);
            if (piece.CutAfter)
                return true;
        }
        // The sender closed its half; pass the FIN on.
        to.Shutdown(SocketShutdown.Send);
        return false;
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer: closing is all there is left to do.
        }
        socket.Dispose();
    }

    private static bool IsNetworkFailure(Exception e) =>
        e is SocketException or IOException or ObjectDisposedException or OperationCanceledException or ChannelClosedException;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Dispose();
        await _accepting;
        Task[] connections;
        lock (_connections)
            connections = [.. _connections];
        await Task.WhenAll(connections.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stopping.Dispose();
    }

    public override string ToString() =>
        $"{_bytesPerSecond * 8 / 1000} kbit/s, {(_delay * 2).TotalMilliseconds:0} ms round trip, " +
        (_cutEvery is { } every ? $"a drop every {every} bytes up" : "no drops");

    /// <summary>One direction's capacity, shared by every connection: each piece holds the link for its bytes' time.</summary>
    private sealed class Pacer(long bytesPerSecond)
    {
        private readonly Lock _lock = new();
        private long _freeAt;

        public async Task SerialiseAsync(int bytes, CancellationToken cancellationToken)
        {
            long done;
            var now = Stopwatch.GetTimestamp();
            lock (_lock)
            {
                done = Math.Max(now, _freeAt) + bytes * Stopwatch.Frequency / bytesPerSecond;
                _freeAt = done;
            }
            var wait = Stopwatch.GetElapsedTime(now, done);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
        }
    }
}
