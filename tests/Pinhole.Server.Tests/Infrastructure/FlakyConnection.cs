using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>
/// One client connection through a <see cref="FlakyProxy"/> and its connection to the server. Each direction is a
/// delay line: a receiver stamps chunks as they arrive and a sender lets each go once the delay has passed, so
/// latency does not cost throughput; the bounded queue between them keeps memory small and pushes back on the sender.
/// </summary>
internal sealed class FlakyConnection(FlakyProxy proxy, Socket client, bool doomed) : IDisposable
{
    private const int ChunkSize = 16 * 1024;
    private const int ChunksInFlight = 64;

    private readonly Socket _server = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _killed = new();
    private readonly Lock _lock = new();
    private volatile bool _doomed = doomed;
    private bool _finished;
    private bool _serverKeptSilent;

    private readonly record struct Chunk(byte[] Buffer, int Length, long ReceivedAt, bool CutAfter);

    public Task Completion { get; set; } = Task.CompletedTask;

    public bool IsDoomed => _doomed;

    /// <summary>Caught in a black hole: from now on its bytes are dropped until it is killed.</summary>
    public void Doom() => _doomed = true;

    /// <summary>Resets both sides (RST, not FIN), as a dropped mobile connection looks to each end.</summary>
    public void Kill()
    {
        lock (_lock)
        {
            if (_finished || _killed.IsCancellationRequested)
                return;
            _killed.Cancel();
            Reset(client);
            Reset(_server);
        }
    }

    /// <summary>A cut of the link: both sides reset, or with <see cref="FlakyProxyOptions.SilentCut"/> only the client's.</summary>
    private void CutLink()
    {
        if (!proxy.Options.SilentCut)
        {
            Kill();
            return;
        }
        lock (_lock)
        {
            if (_finished || _killed.IsCancellationRequested)
                return;
            _serverKeptSilent = true;
            _killed.Cancel();
            Reset(client);
            proxy.KeepSilent(_server);
        }
    }

    public async Task RunAsync(EndPoint target)
    {
        var cancellationToken = _killed.Token;
        try
        {
            client.NoDelay = true;
            if (_doomed)
            {
                await DiscardAsync(cancellationToken);
                return;
            }
            await _server.ConnectAsync(target, cancellationToken);
            _server.NoDelay = true;
            await Task.WhenAll(PumpAsync(client, _server, clientToServer: true, cancellationToken),
                PumpAsync(_server, client, clientToServer: false, cancellationToken));
        }
        catch (Exception e) when (IsNetworkFailure(e))
        {
            Kill();
        }
        finally
        {
            // A Kill can complete this method inline, on its own thread and while it still holds the lock and is
            // cancelling; disposing from another thread waits until it has let go.
            await Task.Yield();
            Dispose();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_finished)
                return;
            _finished = true;
        }
        client.Dispose();
        if (!_serverKeptSilent)
            _server.Dispose();
        _killed.Dispose();
    }

    private async Task DiscardAsync(CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (await client.ReceiveAsync(buffer.AsMemory(0, ChunkSize), SocketFlags.None, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool clientToServer, CancellationToken cancellationToken)
    {
        var chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(ChunksInFlight) { SingleReader = true, SingleWriter = true });
        try
        {
            // Either half failing kills the connection, which cancels the other half wherever it waits.
            await Task.WhenAll(GuardAsync(ReceiveAsync(from, chunks.Writer, clientToServer, cancellationToken)),
                GuardAsync(SendAsync(to, chunks.Reader, clientToServer, cancellationToken)));
        }
        finally
        {
            while (chunks.Reader.TryRead(out var chunk))
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
        }
    }

    private async Task GuardAsync(Task work)
    {
        try
        {
            await work;
        }
        catch (Exception e) when (IsNetworkFailure(e))
        {
            Kill();
        }
    }

    private async Task ReceiveAsync(Socket from, ChannelWriter<Chunk> chunks, bool clientToServer, CancellationToken cancellationToken)
    {
        long passed = 0;
        while (true)
        {
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
            var length = await from.ReceiveAsync(buffer.AsMemory(0, ChunkSize), SocketFlags.None, cancellationToken);
            if (length == 0 || _doomed)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                if (length > 0)
                    continue;
                chunks.Complete();
                return;
            }
            var cut = false;
            if (clientToServer && proxy.Options.CutAfterBytes is { } limit && passed + length >= limit)
            {
                length = (int)Math.Max(limit - passed, 0);
                cut = true;
            }
            passed += length;
            await chunks.WriteAsync(new Chunk(buffer, length, Stopwatch.GetTimestamp(), cut), cancellationToken);
            if (cut)
                return;
        }
    }

    private async Task SendAsync(Socket to, ChannelReader<Chunk> chunks, bool clientToServer, CancellationToken cancellationToken)
    {
        while (await chunks.WaitToReadAsync(cancellationToken))
        {
            var chunk = await chunks.ReadAsync(cancellationToken);
            try
            {
                var options = proxy.Options;
                var wait = options.Delay - Stopwatch.GetElapsedTime(chunk.ReceivedAt);
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, cancellationToken);
                if (!_doomed)
                {
                    await proxy.Pacer(clientToServer).WaitAsync(chunk.Length, options.BytesPerSecond, cancellationToken);
                    for (var sent = 0; sent < chunk.Length;)
                        sent += await to.SendAsync(chunk.Buffer.AsMemory(sent, chunk.Length - sent), SocketFlags.None, cancellationToken);
                    proxy.Forwarded(clientToServer, chunk.Length);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }
            if (chunk.CutAfter)
            {
                proxy.Cut();
                CutLink();
                return;
            }
        }
        // The sender closed its half; pass the FIN on so the other end sees the same.
        to.Shutdown(SocketShutdown.Send);
    }

    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
            // Not connected, or already reset by the peer: closing is all there is left to do.
        }
        socket.Dispose();
    }

    private static bool IsNetworkFailure(Exception e) =>
        e is SocketException or IOException or ObjectDisposedException or OperationCanceledException or ChannelClosedException;
}
