using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Pinhole.WebBench;

/// <summary>
/// Counts what a page costs on the wire, from Chromium's own network log (DevTools protocol): each response's
/// encodedDataLength at Network.loadingFinished, which is the bytes received for it (headers and compressed body);
/// a response served from the browser's cache counts 0. Grouped by the resource type Chromium gives it.
/// </summary>
internal sealed class WireMeter
{
    private readonly ConcurrentDictionary<string, string> _types = new();
    private readonly ConcurrentDictionary<string, long> _bytes = new();
    private long _events;

    private WireMeter()
    {
    }

    public static async Task<WireMeter> AttachAsync(IBrowserContext context, IPage page)
    {
        var meter = new WireMeter();
        var session = await context.NewCDPSessionAsync(page);
        session.Event("Network.responseReceived").OnEvent += (_, e) =>
        {
            if (e is { } json)
                meter._types[json.GetProperty("requestId").GetString()!] = json.GetProperty("type").GetString()!;
            Interlocked.Increment(ref meter._events);
        };
        session.Event("Network.loadingFinished").OnEvent += (_, e) =>
        {
            if (e is { } json)
                meter._bytes[json.GetProperty("requestId").GetString()!] = (long)json.GetProperty("encodedDataLength").GetDouble();
            Interlocked.Increment(ref meter._events);
        };
        session.Event("Network.requestWillBeSent").OnEvent += (_, _) => Interlocked.Increment(ref meter._events);
        await session.SendAsync("Network.enable");
        meter.Session = session;
        return meter;
    }

    public ICDPSession Session { get; private set; } = null!;

    /// <summary>Empties the browser's HTTP cache: the next page is a first visit.</summary>
    public Task ClearCacheAsync() => Session.SendAsync("Network.clearBrowserCache");

    public void Reset()
    {
        _types.Clear();
        _bytes.Clear();
    }

    /// <summary>Waits until the network has been quiet for <paramref name="quiet"/> (a live feed's open stream does not count).</summary>
    public async Task SettleAsync(TimeSpan quiet, TimeSpan atMost)
    {
        var started = DateTime.UtcNow;
        var seen = Interlocked.Read(ref _events);
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow - started < atMost)
        {
            await Task.Delay(100);
            var now = Interlocked.Read(ref _events);
            if (now != seen)
            {
                seen = now;
                since = DateTime.UtcNow;
            }
            else if (DateTime.UtcNow - since >= quiet)
            {
                return;
            }
        }
    }

    /// <summary>Bytes received for the responses of the given types (all of them when none are given), and how many responses.</summary>
    public (long Bytes, int Responses) Count(params string[] types)
    {
        var finished = _bytes.ToArray();
        var chosen = finished.Where(pair => types.Length == 0 || (_types.TryGetValue(pair.Key, out var type) && types.Contains(type))).ToList();
        return (chosen.Sum(pair => pair.Value), chosen.Count(pair => pair.Value > 0));
    }
}
