using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pinhole.StreamBench;

/// <summary>One post seen on one stream: its sequence number (from its text) and when the read that completed it returned.</summary>
internal readonly record struct Receipt(int Sequence, long Timestamp);

/// <summary>
/// One Server-Sent Events stream on a raw socket: the HTTP/1.1 GET written by hand, the chunked body decoded and cut
/// into lines as it arrives. Ten thousand of these cost a socket and an 8 KB buffer each, where ten thousand
/// HttpClient streams would cost the client far more memory and CPU, both taken from the cores the server runs on.
/// </summary>
internal sealed class SseConnection : IDisposable
{
    private const int BufferSize = 8192;

    private enum Part { Head, ChunkSize, ChunkData, ChunkEnd, Raw }

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private readonly List<Receipt> _receipts = [];
    // Body lines and framing lines apart: a chunk boundary can fall inside an event's line.
    private readonly LineBuffer _line = new();
    private readonly LineBuffer _control = new();
    private Part _part = Part.Head;
    private bool _statusSeen;
    private bool _chunked;
    private long _chunkLeft;
    private bool _isUpdate;
    private int _sequence = -1;

    private SseConnection(string path) => Path = path;

    /// <summary>The stream asked for (path and query).</summary>
    public string Path { get; }

    /// <summary>Whether the server ended the stream (or the socket failed) after it was subscribed.</summary>
    public bool Ended { get; private set; }

    /// <summary>":thump" comment lines seen.</summary>
    public int Heartbeats { get; private set; }

    /// <summary>
    /// Connects, asks for <paramref name="pathAndQuery"/> and returns once the server wrote ":)" (subscribed: nothing
    /// posted from then on will be missed).
    /// </summary>
    public static async Task<SseConnection> OpenAsync(IPEndPoint server, string pathAndQuery, string? token, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var connection = new SseConnection(pathAndQuery);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            await connection._socket.ConnectAsync(server, deadline.Token);
            var authorization = token is null ? "" : $"Authorization: Bearer {token}\r\n";
            var request = Encoding.ASCII.GetBytes($"GET {pathAndQuery} HTTP/1.1\r\nHost: {server}\r\nAccept: text/event-stream\r\n{authorization}\r\n");
            await connection._socket.SendAsync(request, SocketFlags.None, deadline.Token);
            // Not awaited: the loop runs until the stream ends and keeps its own outcome (Ended, Receipts).
            _ = connection.ReadAsync(cancellationToken);
            await connection._subscribed.Task.WaitAsync(deadline.Token);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>What arrived so far, in order.</summary>
    public Receipt[] Receipts()
    {
        lock (_lock)
            return [.. _receipts];
    }

    public int ReceiptCount
    {
        get
        {
            lock (_lock)
                return _receipts.Count;
        }
    }

    private async Task ReadAsync(CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(BufferSize);
        try
        {
            while (true)
            {
                var read = await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                    break;
                // The moment the bytes are in hand, before any parsing: what a client would call "received".
                var now = Stopwatch.GetTimestamp();
                if (!Feed(buffer.AsSpan(0, read), now))
                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Closed by us at the end of the run, or reset by the server: either way the stream is over.
        }
        catch (InvalidDataException e)
        {
            _subscribed.TrySetException(e);
        }
        finally
        {
            Ended = true;
            _subscribed.TrySetException(new IOException("The stream ended before it was subscribed."));
        }
    }

    /// <summary>Decodes a read; false once the response is over (the last chunk).</summary>
    private bool Feed(ReadOnlySpan<byte> data, long now)
    {
        while (!data.IsEmpty)
        {
            switch (_part)
            {
                case Part.Head:
                case Part.ChunkSize:
                case Part.ChunkEnd:
                {
                    var end = data.IndexOf((byte)'\n');
                    if (end < 0)
                    {
                        _control.Append(data);
                        return true;
                    }
                    _control.Append(data[..end]);
                    data = data[(end + 1)..];
                    var more = ControlLine(TrimCr(_control.Text));
                    _control.Clear();
                    if (!more)
                        return false;
                    break;
                }
                case Part.ChunkData:
                {
                    var take = (int)Math.Min(_chunkLeft, data.Length);
                    Body(data[..take], now);
                    data = data[take..];
                    _chunkLeft -= take;
                    if (_chunkLeft == 0)
                        _part = Part.ChunkEnd;
                    break;
                }
                case Part.Raw:
                    Body(data, now);
                    data = default;
                    break;
            }
        }
        return true;
    }

    /// <summary>A line of the response head or of the chunked framing; false when the response is over.</summary>
    private bool ControlLine(ReadOnlySpan<byte> line)
    {
        switch (_part)
        {
            case Part.Head when !_statusSeen:
                if (!line.StartsWith("HTTP/1.1 200"u8))
                    throw new InvalidDataException($"The server answered {Encoding.ASCII.GetString(line)}");
                _statusSeen = true;
                return true;
            case Part.Head when line.IsEmpty:
                _part = _chunked ? Part.ChunkSize : Part.Raw;
                return true;
            case Part.Head:
                if (Ascii.EqualsIgnoreCase(line, "Transfer-Encoding: chunked"u8))
                    _chunked = true;
                return true;
            case Part.ChunkSize:
            {
                var semicolon = line.IndexOf((byte)';');
                var hex = Encoding.ASCII.GetString(semicolon < 0 ? line : line[..semicolon]);
                _chunkLeft = long.Parse(hex, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);
                _part = Part.ChunkData;
                return _chunkLeft > 0; // the zero-length chunk ends the response
            }
            default: // ChunkEnd: the CRLF after a chunk's data
                _part = Part.ChunkSize;
                return true;
        }
    }

    /// <summary>Body bytes: cut into SSE lines.</summary>
    private void Body(ReadOnlySpan<byte> data, long now)
    {
        while (!data.IsEmpty)
        {
            var end = data.IndexOf((byte)'\n');
            if (end < 0)
            {
                _line.Append(data);
                return;
            }
            ReadOnlySpan<byte> line;
            if (_line.IsEmpty)
            {
                line = data[..end]; // the common case: a whole line inside one read, no copy
            }
            else
            {
                _line.Append(data[..end]);
                line = _line.Text;
            }
            SseLine(TrimCr(line), now);
            _line.Clear();
            data = data[(end + 1)..];
        }
    }

    private void SseLine(ReadOnlySpan<byte> line, long now)
    {
        if (line.IsEmpty)
        {
            if (_isUpdate && _sequence >= 0)
            {
                lock (_lock)
                    _receipts.Add(new Receipt(_sequence, now));
            }
            _isUpdate = false;
            _sequence = -1;
        }
        else if (line.StartsWith("data:"u8))
        {
            _sequence = Sequence(line);
        }
        else if (line.StartsWith("event:"u8))
        {
            _isUpdate = line["event:"u8.Length..].Trim((byte)' ').SequenceEqual("update"u8);
        }
        else if (line.SequenceEqual(":)"u8))
        {
            _subscribed.TrySetResult();
        }
        else if (line.SequenceEqual(":thump"u8))
        {
            Heartbeats++;
        }
    }

    /// <summary>The number in the post's text, written as <c>sbq123x</c> by <see cref="Api.PostAsync"/>; -1 if none.</summary>
    private static int Sequence(ReadOnlySpan<byte> data)
    {
        var at = data.IndexOf("sbq"u8);
        if (at < 0)
            return -1;
        var value = 0;
        foreach (var b in data[(at + 3)..])
        {
            if (b == (byte)'x')
                return value;
            if (b is < (byte)'0' or > (byte)'9')
                return -1;
            value = value * 10 + (b - '0');
        }
        return -1;
    }

    private static ReadOnlySpan<byte> TrimCr(ReadOnlySpan<byte> line) => line.EndsWith("\r"u8) ? line[..^1] : line;

    // The read loop notices the closed socket and ends.
    public void Dispose() => _socket.Dispose();

    /// <summary>A line that arrived in pieces, kept until its end comes.</summary>
    private sealed class LineBuffer
    {
        private byte[] _bytes = new byte[128];
        private int _length;

        public bool IsEmpty => _length == 0;

        public ReadOnlySpan<byte> Text => _bytes.AsSpan(0, _length);

        public void Append(ReadOnlySpan<byte> bytes)
        {
            if (_length + bytes.Length > _bytes.Length)
                Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + bytes.Length));
            bytes.CopyTo(_bytes.AsSpan(_length));
            _length += bytes.Length;
        }

        public void Clear() => _length = 0;
    }
}
