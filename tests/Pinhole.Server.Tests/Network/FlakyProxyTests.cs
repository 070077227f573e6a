using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Network;

/// <summary>The proxy itself, against a TCP server of the test's own: what the upload tests rely on it to do.</summary>
public sealed class FlakyProxyTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ForwardsEveryByteBothWaysAndCountsThem()
    {
        await using var upstream = new Upstream(echo: true);
        await using var proxy = FlakyProxy.Start(upstream.EndPoint);
        using var client = await ConnectAsync(proxy);
        var stream = client.GetStream();
        var sent = RandomNumberGenerator.GetBytes(1 << 20);
        var received = new byte[sent.Length];

        var writing = WriteThenCloseAsync(client, sent);
        await stream.ReadExactlyAsync(received, Cancel);
        await writing;

        Assert.True(sent.AsSpan().SequenceEqual(received));
        Assert.Equal(0, await stream.ReadAsync(new byte[1], Cancel));
        Assert.Equal(sent.Length, await upstream.NextClosedAsync());
        Assert.Equal(sent.Length, proxy.BytesClientToServer);
        Assert.Equal(sent.Length, proxy.BytesServerToClient);
        Assert.Equal(1, proxy.ConnectionsAccepted);
        Assert.Equal(0, proxy.Cuts);
    }

    [Fact]
    public async Task ResetsEachConnectionOnceItHasCarriedTheGivenBytesToTheServer()
    {
        await using var upstream = new Upstream(echo: false);
        await using var proxy = FlakyProxy.Start(upstream.EndPoint, new FlakyProxyOptions { CutAfterBytes = 10_000 });

        for (var i = 0; i < 2; i++)
        {
            using var client = await ConnectAsync(proxy);
            await client.GetStream().WriteAsync(new byte[40_000], Cancel);

            var error = await Assert.ThrowsAnyAsync<IOException>(() => ReadByteAsync(client));
            Assert.Equal(SocketError.ConnectionReset, Assert.IsType<SocketException>(error.InnerException).SocketErrorCode);
            Assert.Equal(10_000, await upstream.NextClosedAsync());
        }
        Assert.Equal(2, proxy.Cuts);
        Assert.Equal(2, proxy.ConnectionsAccepted);
        Assert.Equal(20_000, proxy.BytesClientToServer);
    }

    [Fact]
    public async Task ABlackHoleSwallowsBytesUnansweredThenResetsItsConnectionsAndRecovers()
    {
        await using var upstream = new Upstream(echo: true);
        await using var proxy = FlakyProxy.Start(upstream.EndPoint);
        using var before = await ConnectAsync(proxy);
        await EchoAsync(before);

        proxy.StartBlackHole();
        await before.GetStream().WriteAsync(new byte[100], Cancel);
        var unanswered = ReadByteAsync(before);
        using var during = await ConnectAsync(proxy);
        await during.GetStream().WriteAsync(new byte[100], Cancel);
        await WaitUntilAsync(() => proxy.ConnectionsAccepted == 2);
        await Assert.ThrowsAsync<TimeoutException>(() => unanswered.WaitAsync(TimeSpan.FromMilliseconds(300), Cancel));
        proxy.EndBlackHole();

        await Assert.ThrowsAnyAsync<IOException>(async () => await unanswered);
        await Assert.ThrowsAnyAsync<IOException>(() => ReadByteAsync(during));
        Assert.Equal(1, upstream.Accepted);
        Assert.Equal(100, proxy.BytesClientToServer);
        using var after = await ConnectAsync(proxy);
        await EchoAsync(after);
    }

    [Fact]
    public async Task BlackHoleAsyncEndsOnItsOwnAndKillsTheConnectionsItHeld()
    {
        await using var upstream = new Upstream(echo: true);
        await using var proxy = FlakyProxy.Start(upstream.EndPoint);
        using var held = await ConnectAsync(proxy);

        var hole = proxy.BlackHoleAsync(TimeSpan.FromMilliseconds(200), Cancel);
        await held.GetStream().WriteAsync(new byte[1], Cancel);
        await Assert.ThrowsAnyAsync<IOException>(() => ReadByteAsync(held));
        await hole;

        using var after = await ConnectAsync(proxy);
        await EchoAsync(after);
        Assert.Equal(0, proxy.Cuts);
    }

    [Fact]
    public async Task DelaysEachDirectionByHalfTheRoundTrip()
    {
        await using var upstream = new Upstream(echo: true);
        await using var proxy = FlakyProxy.Start(upstream.EndPoint, FlakyProxyOptions.WithRoundTrip(TimeSpan.FromMilliseconds(300)));
        using var client = await ConnectAsync(proxy);

        var clock = Stopwatch.StartNew();
        await EchoAsync(client);

        // Task.Delay works in whole milliseconds, so each direction may come up to one short.
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(298), $"echoed in {clock.Elapsed}");
    }

    [Fact]
    public async Task LatencyDoesNotLimitThroughputToAChunkPerDelay()
    {
        await using var upstream = new Upstream(echo: false);
        await using var proxy = FlakyProxy.Start(upstream.EndPoint, FlakyProxyOptions.WithRoundTrip(TimeSpan.FromMilliseconds(300)));
        using var client = await ConnectAsync(proxy);

        var clock = Stopwatch.StartNew();
        await WriteThenCloseAsync(client, new byte[4 << 20]);
        Assert.Equal(4 << 20, await upstream.NextClosedAsync());

        // One 16 KiB chunk per 150 ms would take 38 s; a delay line takes the delay once, plus the transfer.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task ABandwidthCapPacesTheTransfer()
    {
        await using var upstream = new Upstream(echo: false);
        await using var proxy = FlakyProxy.Start(upstream.EndPoint, new FlakyProxyOptions { BytesPerSecond = 100_000 });
        using var client = await ConnectAsync(proxy);

        var clock = Stopwatch.StartNew();
        await WriteThenCloseAsync(client, new byte[50_000]);
        Assert.Equal(50_000, await upstream.NextClosedAsync());

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(490), $"50 kB at 100 kB/s took {clock.Elapsed}");
    }

    [Fact]
    public async Task NewConnectionsGoToANewTarget()
    {
        await using var first = new Upstream(echo: true);
        await using var second = new Upstream(echo: true);
        await using var proxy = FlakyProxy.Start(first.EndPoint);

        proxy.Target = second.EndPoint;
        using var client = await ConnectAsync(proxy);
        await EchoAsync(client);

        Assert.Equal(0, first.Accepted);
        Assert.Equal(1, second.Accepted);
    }

    [Fact]
    public async Task DisposingResetsOpenConnectionsAndStopsListening()
    {
        await using var upstream = new Upstream(echo: true);
        var proxy = FlakyProxy.Start(upstream.EndPoint);
        using var client = await ConnectAsync(proxy);
        await EchoAsync(client);

        await proxy.DisposeAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => ReadByteAsync(client));
        var refused = await Assert.ThrowsAsync<SocketException>(async () => (await ConnectAsync(proxy)).Dispose());
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    private static async Task<TcpClient> ConnectAsync(FlakyProxy proxy)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, proxy.BaseAddress.Port, Cancel);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static async Task EchoAsync(TcpClient client)
    {
        var sent = RandomNumberGenerator.GetBytes(100);
        var received = new byte[sent.Length];
        await client.GetStream().WriteAsync(sent, Cancel);
        await client.GetStream().ReadExactlyAsync(received, Cancel);
        Assert.Equal(sent, received);
    }

    /// <summary>How many bytes one read returned: 0 at the end of the stream.</summary>
    private static async Task<int> ReadByteAsync(TcpClient client) => await client.GetStream().ReadAsync(new byte[1], Cancel);

    private static async Task WriteThenCloseAsync(TcpClient client, byte[] bytes)
    {
        await client.GetStream().WriteAsync(bytes, Cancel);
        client.Client.Shutdown(SocketShutdown.Send);
    }

    // The proxy accepts on its own schedule; there is no event to await from outside it.
    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        while (!condition())
            await Task.Delay(10, Cancel);
    }

    /// <summary>The server behind the proxy: echoes or swallows, and reports how many bytes each connection brought.</summary>
    private sealed class Upstream : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stopping = new();
        private readonly Channel<long> _closed = Channel.CreateUnbounded<long>();
        private readonly List<Task> _serving = [];
        private readonly Task _accepting;
        private int _accepted;

        public Upstream(bool echo)
        {
            _listener.Start();
            _accepting = AcceptAsync(echo);
        }

        public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

        public int Accepted => Volatile.Read(ref _accepted);

        /// <summary>The bytes received by the next connection to end, however it ended.</summary>
        public async Task<long> NextClosedAsync() => await _closed.Reader.ReadAsync(Cancel);

        private async Task AcceptAsync(bool echo)
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stopping.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                Interlocked.Increment(ref _accepted);
                lock (_serving)
                    _serving.Add(ServeAsync(socket, echo));
            }
        }

        private async Task ServeAsync(Socket socket, bool echo)
        {
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            var buffer = new byte[16 * 1024];
            long total = 0;
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, _stopping.Token)) > 0)
                {
                    total += read;
                    if (echo)
                        await stream.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                // Reset by the proxy, or the test is over: either way the count so far is the answer.
            }
            _closed.Writer.TryWrite(total);
        }

        public async ValueTask DisposeAsync()
        {
            await _stopping.CancelAsync();
            _listener.Stop();
            await _accepting;
            Task[] serving;
            lock (_serving)
                serving = [.. _serving];
            await Task.WhenAll(serving);
            _stopping.Dispose();
        }
    }
}
