using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pinhole.UploadBench;

/// <summary>
/// The trivial endpoints an upload to Pinhole is read against. <c>kestrel</c>: ASP.NET Core's Kestrel on the same
/// runtime and settings as the server, reading each body through a 64 KB buffer as the server does, and throwing it
/// away (or, to tell the disk's share apart, writing it to a file, optionally flushed to disk every few MB as the
/// server's checkpoints are). <c>raw</c>: a bare socket that reads past the headers and discards the body, no HTTP
/// stack at all: what curl over loopback can carry on this machine.
/// </summary>
internal static class SinkCommand
{
    public const string Usage =
        """
        sink --kind kestrel|raw --port N [--to-dir DIR] [--fsync-every-mb N]
            Serves until killed. Every request's body is read and discarded (kestrel with --to-dir: written to a file
            there, deleted after; --fsync-every-mb: flushed to disk every N MB and at the end). Answers 200 with the
            byte count.
        """;

    private const int BufferSize = 64 * 1024;

    public static async Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var kind = line.RequiredText("kind");
        var port = line.Whole("port", 0);
        var toDir = line.Text("to-dir");
        var fsyncEvery = (long)(line.Real("fsync-every-mb", 0) * 1024 * 1024);
        line.RejectUnknown();
        if (port <= 0)
            throw new UsageException("--port is required.");
        switch (kind)
        {
            case "kestrel":
                await KestrelAsync(port, toDir, fsyncEvery, cancellationToken);
                return 0;
            case "raw":
                if (toDir is not null || fsyncEvery > 0)
                    throw new UsageException("The raw sink only discards.");
                await RawAsync(port, cancellationToken);
                return 0;
            default:
                throw new UsageException($"--kind must be kestrel or raw, not '{kind}'.");
        }
    }

    private static async Task KestrelAsync(int port, string? toDir, long fsyncEvery, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ListenLocalhost(port);
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        app.Run(async http =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            long total = 0;
            try
            {
                if (toDir is null)
                {
                    int read;
                    while ((read = await http.Request.Body.ReadAsync(buffer.AsMemory(0, BufferSize), http.RequestAborted)) > 0)
                        total += read;
                }
                else
                {
                    total = await ToFileAsync(http.Request.Body, buffer, Path.Combine(toDir, Guid.NewGuid().ToString("N")), fsyncEvery, http.RequestAborted);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
            await http.Response.WriteAsync(total.ToString(CultureInfo.InvariantCulture), http.RequestAborted);
        });
        using var stop = cancellationToken.Register(app.Lifetime.StopApplication);
        await app.RunAsync();
    }

    /// <summary>As the server writes a chunk: unbuffered async FileStream, flushed to the disk itself every so often.</summary>
    private static async Task<long> ToFileAsync(Stream body, byte[] buffer, string path, long fsyncEvery, CancellationToken cancellationToken)
    {
        long total = 0, flushed = 0;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                total += read;
                if (fsyncEvery > 0 && total - flushed >= fsyncEvery)
                {
                    file.Flush(flushToDisk: true);
                    flushed = total;
                }
            }
            if (fsyncEvery > 0)
                file.Flush(flushToDisk: true);
        }
        finally
        {
            File.Delete(path);
        }
        return total;
    }

    private static async Task RawAsync(int port, CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(16);
        while (!cancellationToken.IsCancellationRequested)
        {
            var client = await listener.AcceptAsync(cancellationToken);
            _ = Task.Run(() => ServeRawAsync(client, cancellationToken), cancellationToken);
        }
    }

    /// <summary>HTTP/1.1 with Content-Length bodies only (what curl -T sends), keep-alive, nothing else.</summary>
    private static async Task ServeRawAsync(Socket client, CancellationToken cancellationToken)
    {
        using var socket = client;
        var buffer = new byte[BufferSize];
        var filled = 0;
        try
        {
            while (true)
            {
                int headerEnd;
                while ((headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
                {
                    if (filled == buffer.Length)
                        throw new InvalidDataException("headers over 64 KB");
                    var got = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, cancellationToken);
                    if (got == 0)
                        return;
                    filled += got;
                }
                var remaining = ContentLength(Encoding.ASCII.GetString(buffer, 0, headerEnd));
                var total = remaining;
                var bodyStart = headerEnd + 4;
                var inBuffer = Math.Min(filled - bodyStart, remaining);
                remaining -= inBuffer;
                // Whatever follows this body in the buffer belongs to the next request.
                var leftover = filled - bodyStart - (int)inBuffer;
                Buffer.BlockCopy(buffer, bodyStart + (int)inBuffer, buffer, 0, leftover);
                filled = leftover;
                while (remaining > 0)
                {
                    var got = await socket.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), SocketFlags.None, cancellationToken);
                    if (got == 0)
                        return;
                    remaining -= got;
                }
                var answer = total.ToString(CultureInfo.InvariantCulture);
                await socket.SendAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Length: {answer.Length}\r\n\r\n{answer}"), SocketFlags.None, cancellationToken);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or InvalidDataException)
        {
            // One broken client does not stop the sink.
        }
    }

    private static long ContentLength(string headers)
    {
        foreach (var header in headers.Split("\r\n"))
        {
            if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                return long.Parse(header["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
        }
        return 0;
    }
}
