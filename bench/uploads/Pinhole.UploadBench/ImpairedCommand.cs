using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Pinhole.UploadBench;

/// <summary>
/// One file through an <see cref="ImpairedLink"/>, two ways. tus: create the upload, PATCH from where the server
/// stands; after any failure back off, HEAD, and PATCH on from the offset it answers (no checksums, so a chunk cut
/// mid-way keeps what arrived). One-shot: <c>POST /api/v2/media</c>, which after a drop can only start over from zero.
/// Both clients back off the same way after a failure: 100 ms, doubled after each failure in a row, at most 2 s; for
/// tus a failure that still moved the offset was progress, and the back-off starts again.
/// </summary>
internal static class ImpairedCommand
{
    public const string Usage =
        """
        impaired --method tus|oneshot --url URL --token-file PATH --file PATH --label TEXT --out RESULTS.jsonl
                 [--kbit 1000] [--rtt-ms 300] [--cut-every-mb 2] [--chunk-mb 0] [--runs 1] [--give-up-attempts 5]
                 [--give-up-seconds 1200]
            --cut-every-mb 0: no drops. --chunk-mb 0: tus sends the rest of the file in each PATCH. The one-shot upload
            gives up after --give-up-attempts POSTs; either gives up after --give-up-seconds.
        """;

    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var method = line.RequiredText("method");
        var server = new Uri(line.RequiredText("url"));
        var token = (await File.ReadAllTextAsync(line.RequiredText("token-file"), cancellationToken)).Trim();
        var file = line.RequiredText("file");
        var label = line.RequiredText("label");
        var output = line.RequiredText("out");
        var bytesPerSecond = (long)(line.Real("kbit", 1000) * 1000 / 8);
        var roundTrip = TimeSpan.FromMilliseconds(line.Whole("rtt-ms", 300));
        var cutEvery = (long)(line.Real("cut-every-mb", 2) * 1024 * 1024);
        var chunk = (long)(line.Real("chunk-mb", 0) * 1024 * 1024);
        var runs = line.Whole("runs", 1);
        var giveUpAttempts = line.Whole("give-up-attempts", 5);
        var giveUpAfter = TimeSpan.FromSeconds(line.Whole("give-up-seconds", 1200));
        line.RejectUnknown();
        if (method is not ("tus" or "oneshot"))
            throw new UsageException($"--method must be tus or oneshot, not '{method}'.");

        var length = new FileInfo(file).Length;
        var target = new DnsEndPoint(server.Host, server.Port);
        for (var run = 1; run <= runs; run++)
        {
            await using var link = new ImpairedLink(target, bytesPerSecond, roundTrip, cutEvery > 0 ? cutEvery : null);
            await Console.Error.WriteLineAsync($"[uploads] {label} ({run}/{runs}): {method} of {length} bytes over {link}");
            using var client = new Client(link.BaseAddress, token, file, length);
            var started = Stopwatch.GetTimestamp();
            var outcome = method == "tus"
                ? await client.TusAsync(chunk > 0 ? chunk : length, started, giveUpAfter, cancellationToken)
                : await client.OneShotAsync(giveUpAttempts, started, giveUpAfter, cancellationToken);
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            ResultsFile.Append(output, new ImpairedRun(label, method, run, length, method == "tus" ? (chunk > 0 ? chunk : length) : length, cutEvery,
                bytesPerSecond, (int)roundTrip.TotalMilliseconds, outcome.Completed, Math.Round(seconds, 2), link.BytesUp, link.BytesDown,
                client.FileBytesSent, link.Connections, link.Cuts, client.Requests, client.Attempts, outcome.Text));
            if (outcome.MediaId is { } mediaId)
            {
                // Processed before the next run, so ffmpeg does not share the cores with it.
                using var direct = new HttpClient();
                await PinholeApi.WaitForMediaAsync(direct, server, token, mediaId, TimeSpan.FromMinutes(5), cancellationToken);
            }
        }
        return 0;
    }

    private sealed record Outcome(bool Completed, string Text, string? MediaId);

    private sealed class Client(Uri link, string token, string file, long length) : IDisposable
    {
        private readonly HttpClient _http = new(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectCallback = ConnectAsync,
        })
        {
            // Each request is bounded by the overall deadline instead: a whole file at 1 Mbit/s takes minutes.
            Timeout = Timeout.InfiniteTimeSpan,
        };

        private long _fileBytesSent;

        public long FileBytesSent => Interlocked.Read(ref _fileBytesSent);

        public int Requests { get; private set; }

        public int Attempts { get; private set; }

        public async Task<Outcome> TusAsync(long chunk, long started, TimeSpan giveUpAfter, CancellationToken cancellationToken)
        {
            using var deadline = Deadline(started, giveUpAfter, cancellationToken);
            Uri? upload = null;
            long? offset = 0;
            long confirmed = 0;
            var failures = 0;
            while (true)
            {
                try
                {
                    if (upload is null)
                    {
                        Requests++;
                        upload = await PinholeApi.CreateUploadAsync(_http, link, token, length, Path.GetFileName(file), deadline.Token);
                    }
                    if (offset is null)
                    {
                        using var head = PinholeApi.Tus(HttpMethod.Head, upload, token);
                        Requests++;
                        using var answer = await _http.SendAsync(head, deadline.Token);
                        if (answer.StatusCode != HttpStatusCode.OK)
                            throw new HttpRequestException($"HEAD answered {(int)answer.StatusCode}");
                        if (MediaIdOf(answer) is { } done)
                            return new Outcome(true, "ok", done);
                        offset = OffsetOf(answer);
                        // A failed chunk that moved the offset was progress: the back-off starts again (as tus-js-client's does).
                        if (offset > confirmed)
                            failures = 0;
                        confirmed = offset.Value;
                        if (offset == length)
                            throw new HttpRequestException("complete, but no media yet");
                    }
                    var from = offset.Value;
                    // Unknown until the server confirms it: after a failure only a HEAD can tell.
                    offset = null;
                    using var patch = PinholeApi.Tus(HttpMethod.Patch, upload, token);
                    patch.Headers.Add("Upload-Offset", from.ToString(CultureInfo.InvariantCulture));
                    patch.Content = new FileRange(file, from, Math.Min(chunk, length - from), sent => Interlocked.Add(ref _fileBytesSent, sent));
                    patch.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
                    Requests++;
                    Attempts++;
                    using var response = await _http.SendAsync(patch, deadline.Token);
                    if (response.StatusCode != HttpStatusCode.NoContent)
                        throw new HttpRequestException($"PATCH answered {(int)response.StatusCode}");
                    if (MediaIdOf(response) is { } mediaId)
                        return new Outcome(true, "ok", mediaId);
                    offset = OffsetOf(response);
                    confirmed = offset.Value;
                    failures = 0;
                }
                catch (Exception e) when (e is HttpRequestException or IOException && !deadline.IsCancellationRequested)
                {
                    await Task.Delay(Backoff(++failures), deadline.Token);
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    return new Outcome(false, $"gave up after {giveUpAfter.TotalSeconds:0} s", null);
                }
            }
        }

        public async Task<Outcome> OneShotAsync(int maxAttempts, long started, TimeSpan giveUpAfter, CancellationToken cancellationToken)
        {
            using var deadline = Deadline(started, giveUpAfter, cancellationToken);
            var failures = 0;
            string? lastFailure = null;
            try
            {
                while (Attempts < maxAttempts)
                {
                    try
                    {
                        using var form = new MultipartFormDataContent();
                        var part = new FileRange(file, 0, length, sent => Interlocked.Add(ref _fileBytesSent, sent));
                        part.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
                        form.Add(part, "file", Path.GetFileName(file));
                        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(link, "/api/v2/media")) { Content = form };
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                        Requests++;
                        Attempts++;
                        using var response = await _http.SendAsync(request, deadline.Token);
                        var body = await response.Content.ReadAsStringAsync(deadline.Token);
                        if (response.IsSuccessStatusCode)
                            return new Outcome(true, "ok", PinholeApi.MediaIdOf(body));
                        if ((int)response.StatusCode < 500)
                            return new Outcome(false, $"refused: HTTP {(int)response.StatusCode} {body}", null);
                        lastFailure = $"HTTP {(int)response.StatusCode}";
                    }
                    catch (Exception e) when (e is HttpRequestException or IOException && !deadline.IsCancellationRequested)
                    {
                        lastFailure = "dropped";
                    }
                    await Task.Delay(Backoff(++failures), deadline.Token);
                }
                return new Outcome(false, $"gave up after {Attempts} attempts (each {lastFailure})", null);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return new Outcome(false, $"gave up after {giveUpAfter.TotalSeconds:0} s ({Attempts} attempts)", null);
            }
        }

        public void Dispose() => _http.Dispose();

        private static CancellationTokenSource Deadline(long started, TimeSpan giveUpAfter, CancellationToken cancellationToken)
        {
            var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(giveUpAfter - Stopwatch.GetElapsedTime(started));
            return deadline;
        }

        private static TimeSpan Backoff(int failuresInARow) =>
            TimeSpan.FromTicks(Math.Min(FirstBackoff.Ticks << Math.Min(failuresInARow - 1, 10), MaxBackoff.Ticks));

        private static long OffsetOf(HttpResponseMessage response) =>
            response.Headers.TryGetValues("Upload-Offset", out var values)
                && long.TryParse(values.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
                ? offset
                : throw new HttpRequestException("no Upload-Offset in the answer");

        private static string? MediaIdOf(HttpResponseMessage response) =>
            response.Headers.TryGetValues(PinholeApi.MediaIdHeader, out var values) ? values.First() : null;

        /// <summary>
        /// A phone's send buffer is not megabytes deep: kept at 64 KB, so what the client counts as sent is close to
        /// what left it, not what sat in a loopback socket's buffer when the link dropped.
        /// </summary>
        private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendBufferSize = 64 * 1024 };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    /// <summary>Part of a file as a request body, written in small pieces and counted as each leaves.</summary>
    private sealed class FileRange(string path, long offset, long count, Action<int> sent) : HttpContent
    {
        private const int PieceSize = 16 * 1024;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
            file.Position = offset;
            var buffer = new byte[PieceSize];
            for (var left = count; left > 0;)
            {
                var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(PieceSize, left)), cancellationToken);
                if (read == 0)
                    throw new EndOfStreamException($"{path} is shorter than expected");
                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                sent(read);
                left -= read;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = count;
            return true;
        }
    }
}
