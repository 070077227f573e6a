using System.Text;
using System.Threading.Channels;

namespace Pinhole.Server.Tests.Streaming;

/// <summary>One Server-Sent Event as received.</summary>
public sealed record SseEvent(string? Id, string Event, string Data);

/// <summary>A minimal EventSource for tests: connects, waits until subscribed (the ":)" line), and queues what arrives.</summary>
public sealed class SseClient : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Channel<SseEvent> _events = Channel.CreateUnbounded<SseEvent>();
    private readonly CancellationTokenSource _closing = new();
    private readonly Task _reading;

    private SseClient(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reading = ReadAsync(reader, _closing.Token);
    }

    public HttpResponseMessage Response => _response;

    public static async Task<SseClient> ConnectAsync(HttpClient client, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
            request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken), Encoding.UTF8);
        // The server writes ":)" once the subscription is in place.
        using var connected = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await reader.ReadLineAsync(connected.Token) is { } line && line != ":)")
        {
        }
        return new SseClient(response, reader);
    }

    /// <summary>The next event, or null if none comes within <paramref name="timeout"/>.</summary>
    public async Task<SseEvent?> NextAsync(TimeSpan timeout)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            return await _events.Reader.ReadAsync(wait.Token);
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>The next event whose name is <paramref name="name"/>, skipping others; fails the test after <paramref name="timeout"/>.</summary>
    public async Task<SseEvent> ExpectAsync(string name, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (DateTime.UtcNow < deadline)
        {
            if (await NextAsync(deadline - DateTime.UtcNow) is { } next && next.Event == name)
                return next;
        }
        throw new TimeoutException($"no {name} event arrived");
    }

    private async Task ReadAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? id = null, name = null;
        var data = new StringBuilder();
        try
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.Length == 0)
                {
                    if (name is not null)
                        await _events.Writer.WriteAsync(new SseEvent(id, name, data.ToString()), cancellationToken);
                    (id, name) = (null, null);
                    data.Clear();
                }
                else if (line.StartsWith("id: ", StringComparison.Ordinal))
                    id = line[4..];
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                    name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                    data.Append(line[6..]);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException)
        {
            // Closed by the test or the server.
        }
        finally
        {
            _events.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _response.Dispose();
        await _reading;
        _closing.Dispose();
    }
}
