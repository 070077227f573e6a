using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>
/// A tus 1.0 client that does what a phone app must on a bad network: create once (an idempotency key makes a
/// repeated creation find the same upload), send checksummed chunks, and after any failure back off, ask the server
/// how far it got, and go on from there, until a total deadline.
/// </summary>
public sealed class TusClient : IDisposable
{
    private const int MinimumChunk = 16 * 1024;

    private readonly TusClientOptions _options;
    private readonly HttpClient _http;
    private int _requests;
    private int _retries;
    private long _bytesSent;

    public TusClient(TusClientOptions? options = null)
    {
        _options = options ?? new();
        var handler = new SocketsHttpHandler { ConnectTimeout = _options.ConnectTimeout, AllowAutoRedirect = false, UseCookies = false };
        // Each request gets its own timeout; the client-wide one would bound a whole upload.
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>HTTP requests started, answered or not.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Failures recovered from: each cost a back-off and a fresh look at the offset.</summary>
    public int Retries => Volatile.Read(ref _retries);

    /// <summary>File bytes handed to the network, including those of requests that then failed.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>The upload's address once created: what a test needs to resume it after killing the server.</summary>
    public Uri? UploadUrl { get; private set; }

    public async Task<string> UploadAsync(Uri endpoint, string token, string path, IReadOnlyDictionary<string, string> metadata,
        string? idempotencyKey, int chunkSize, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await UploadAsync(endpoint, token, file, metadata, idempotencyKey, chunkSize, cancellationToken);
    }

    /// <summary>Uploads <paramref name="content"/> (seekable: a resume may go back) and returns the media id.</summary>
    public async Task<string> UploadAsync(Uri endpoint, string token, Stream content, IReadOnlyDictionary<string, string> metadata,
        string? idempotencyKey, int chunkSize, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + _options.GiveUpAfter;
        var created = await WithRetriesAsync(deadline,
            () => CreateAsync(endpoint, token, content.Length, metadata, idempotencyKey, cancellationToken), cancellationToken);
        UploadUrl = created;
        return await SendChunksAsync(created, token, content, chunkSize, knownOffset: 0, deadline, cancellationToken);
    }

    public async Task<string> ResumeAsync(Uri uploadUrl, string token, string path, int chunkSize, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await ResumeAsync(uploadUrl, token, file, chunkSize, cancellationToken);
    }

    /// <summary>Finishes an upload created elsewhere (or before a crash): asks for its offset first.</summary>
    public async Task<string> ResumeAsync(Uri uploadUrl, string token, Stream content, int chunkSize, CancellationToken cancellationToken)
    {
        UploadUrl = uploadUrl;
        return await SendChunksAsync(uploadUrl, token, content, chunkSize, knownOffset: null, DateTime.UtcNow + _options.GiveUpAfter, cancellationToken);
    }

    private async Task<string> SendChunksAsync(Uri upload, string token, Stream content, int chunkSize, long? knownOffset,
        DateTime deadline, CancellationToken cancellationToken)
    {
        var buffer = new byte[chunkSize];
        var size = chunkSize;
        var offset = knownOffset;
        long? unconfirmedFrom = null;
        var lostInARow = 0;
        while (true)
        {
            var step = await WithRetriesAsync(deadline, async () =>
            {
                if (offset is null)
                {
                    var (current, mediaId) = await HeadAsync(upload, token, content.Length, cancellationToken);
                    // A chunk lost whole (a server keeps no unverifiable part of a checksummed body) twice in a row,
                    // the second time on a fresh connection, is bigger than what this link carries before it drops.
                    lostInARow = current == unconfirmedFrom ? lostInARow + 1 : 0;
                    if (lostInARow == 2)
                    {
                        size = Math.Max(size / 2, Math.Min(MinimumChunk, chunkSize));
                        lostInARow = 0;
                    }
                    unconfirmedFrom = null;
                    offset = current;
                    if (mediaId is not null)
                        return (Offset: current, MediaId: mediaId);
                }
                // Forgotten until the server confirms it, so a failure below makes the retry ask again.
                var from = offset.Value;
                offset = null;
                unconfirmedFrom = from;
                var result = await PatchAsync(upload, token, content, buffer.AsMemory(0, size), from, cancellationToken);
                unconfirmedFrom = null;
                lostInARow = 0;
                // All bytes in but no media id: only a HEAD can tell when it comes; another PATCH would carry nothing.
                offset = result.MediaId is null && result.Offset == content.Length ? null : result.Offset;
                return result;
            }, cancellationToken);
            if (step.MediaId is not null)
                return step.MediaId;
        }
    }

    private async Task<Uri> CreateAsync(Uri endpoint, string token, long length, IReadOnlyDictionary<string, string> metadata,
        string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Post, endpoint, token);
        request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("Upload-Metadata", EncodeMetadata(metadata));
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await SendAsync(request, cancellationToken);
        Expect(response, HttpStatusCode.Created);
        var location = response.Headers.Location ?? throw new TusUploadException(response.StatusCode, "201 without a Location", transient: false);
        return location.IsAbsoluteUri ? location : new Uri(endpoint, location);
    }

    private async Task<(long Offset, string? MediaId)> HeadAsync(Uri upload, string token, long length, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Head, upload, token);
        using var response = await SendAsync(request, cancellationToken);
        Expect(response, HttpStatusCode.OK);
        var offset = OffsetOf(response);
        var mediaId = MediaIdOf(response);
        if (offset == length && mediaId is null)
            // Transient: the bytes may all be in while the media is still being made from them.
            throw new TusUploadException(response.StatusCode, "the upload is complete but has no Pinhole-Media-Id yet", transient: true);
        return (offset, mediaId);
    }

    private async Task<(long Offset, string? MediaId)> PatchAsync(Uri upload, string token, Stream content, Memory<byte> buffer, long offset,
        CancellationToken cancellationToken)
    {
        content.Position = offset;
        var chunk = buffer[..await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken)];
        using var request = Request(HttpMethod.Patch, upload, token);
        request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        if (_options.Checksums)
            request.Headers.Add("Upload-Checksum", "sha256 " + Convert.ToBase64String(SHA256.HashData(chunk.Span)));
        request.Content = new ChunkContent(chunk, sent => Interlocked.Add(ref _bytesSent, sent));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        using var response = await SendAsync(request, cancellationToken);
        Expect(response, HttpStatusCode.NoContent);
        return (OffsetOf(response), MediaIdOf(response));
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            return await _http.SendAsync(request, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {request.RequestUri} had no answer in {_options.RequestTimeout}");
        }
    }

    /// <summary>Runs <paramref name="attempt"/> until it succeeds, backing off after each transient failure.</summary>
    private async Task<T> WithRetriesAsync<T>(DateTime deadline, Func<Task<T>> attempt, CancellationToken cancellationToken)
    {
        var backoff = _options.FirstBackoff;
        while (true)
        {
            try
            {
                return await attempt();
            }
            catch (Exception e) when (IsTransient(e))
            {
                if (DateTime.UtcNow + backoff > deadline)
                    throw new TimeoutException($"gave up on the upload after {_options.GiveUpAfter}", e);
                Interlocked.Increment(ref _retries);
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
            }
        }
    }

    private static bool IsTransient(Exception e) => e switch
    {
        TusUploadException tus => tus.IsTransient,
        HttpRequestException or IOException or TimeoutException => true,
        _ => false,
    };

    private static HttpRequestMessage Request(HttpMethod method, Uri uri, string token)
    {
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
            throw new TusUploadException(response.StatusCode, $"{response.RequestMessage?.Method} answered {(int)response.StatusCode}, not {(int)status}",
                TusUploadException.IsTransientStatus(response.StatusCode));
    }

    private static long OffsetOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Upload-Offset", out var values)
        && long.TryParse(values.First(), NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? offset
            : throw new TusUploadException(response.StatusCode, "no valid Upload-Offset", transient: false);

    private static string? MediaIdOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Pinhole-Media-Id", out var values) ? values.First() : null;

    /// <summary>tus metadata: comma-separated pairs of a key and its UTF-8 value in base64.</summary>
    public static string EncodeMetadata(IReadOnlyDictionary<string, string> metadata) =>
        string.Join(',', metadata.Select(pair => $"{pair.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(pair.Value))}"));

    public void Dispose() => _http.Dispose();

    /// <summary>A chunk written in small pieces, each counted as it goes, so a request cut mid-body counts what left.</summary>
    private sealed class ChunkContent(ReadOnlyMemory<byte> chunk, Action<int> sent) : HttpContent
    {
        private const int Piece = 16 * 1024;

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            for (var position = 0; position < chunk.Length; position += Piece)
            {
                var piece = chunk.Slice(position, Math.Min(Piece, chunk.Length - position));
                await stream.WriteAsync(piece, cancellationToken);
                sent(piece.Length);
            }
        }

        protected override bool TryComputeLength(out long size)
        {
            size = chunk.Length;
            return true;
        }
    }
}
