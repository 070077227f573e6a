using System.Collections.Concurrent;
using System.Threading.Channels;
using Pinhole.Server.Features.CustomFilters;

namespace Pinhole.Server.Features.Streaming;

/// <summary>One event as a client receives it: its id (for catching up), name, payload (JSON text; none for <c>filters_changed</c>), and the stream it came on.</summary>
public sealed record StreamMessage(long Id, string Event, string? Payload, StreamKey Stream);

/// <summary>A stream as Mastodon names it ("user", "hashtag" …) with its parameter (the tag or the list id), if any.</summary>
public sealed record StreamKey(string Name, string? Parameter = null)
{
    /// <summary>The <c>stream</c> array of a WebSocket message: ["hashtag", "pyongyang"] or ["user"].</summary>
    public IReadOnlyList<string> Names => Parameter is null ? [Name] : [Name, Parameter];
}

/// <summary>
/// One client's interest in one stream, with a bounded queue of messages for it. A client that does not read fast
/// enough to keep the queue under its limit is dropped (<see cref="Overflowed"/>) rather than allowed to grow the
/// server's memory; it reconnects and catches up by event id.
/// </summary>
public sealed class Subscription(long viewer, StreamKey key, ChannelWriter<StreamMessage> queue)
{
    private readonly Lock _lock = new();

    // While the catch-up runs, live messages wait here, so the client gets everything in order.
    private List<StreamMessage>? _held = [];

    /// <summary>The account watching, or 0 for nobody signed in.</summary>
    public long Viewer { get; } = viewer;

    public StreamKey Key { get; } = key;

    public bool Overflowed { get; private set; }

    /// <summary>Events up to this id were sent by the catch-up; the live feed skips them.</summary>
    private long _sentUpTo;

    private ActiveFilters _filters = ActiveFilters.None;
    private long _filtersRead;

    /// <summary>The viewer's filters, read when the stream opens and again whenever they change (see <see cref="StreamFilters"/>).</summary>
    public ActiveFilters Filters
    {
        get
        {
            lock (_lock)
                return _filters;
        }
    }

    /// <summary>Takes filters from read number <paramref name="read"/>, unless those of a later read are already here: reads can finish out of order.</summary>
    public void OfferFilters(ActiveFilters filters, long read)
    {
        lock (_lock)
        {
            if (read <= _filtersRead)
                return;
            _filters = filters;
            _filtersRead = read;
        }
    }

    /// <summary>A live event: queued, or held until the catch-up is done.</summary>
    public void Deliver(StreamMessage message)
    {
        lock (_lock)
        {
            if (_held is not null)
                _held.Add(message);
            else if (message.Id > _sentUpTo)
                Write(message);
        }
    }

    /// <summary>Sends what was missed (in order), then whatever arrived live meanwhile, and goes live.</summary>
    public void CatchUp(IEnumerable<StreamMessage> missed, long upTo)
    {
        lock (_lock)
        {
            foreach (var message in missed)
                Write(message);
            _sentUpTo = upTo;
            foreach (var message in _held!.Where(m => m.Id > upTo).OrderBy(m => m.Id))
                Write(message);
            _held = null;
        }
    }

    private void Write(StreamMessage message)
    {
        if (Overflowed || queue.TryWrite(message))
            return;
        Overflowed = true;
        queue.TryComplete();
    }
}

/// <summary>Every subscription of this node, for the dispatcher to deliver to.</summary>
public sealed class StreamHub
{
    private readonly ConcurrentDictionary<Subscription, byte> _subscriptions = new();

    public int Count => _subscriptions.Count;

    public IEnumerable<Subscription> All => _subscriptions.Keys;

    public void Add(Subscription subscription) => _subscriptions.TryAdd(subscription, 0);

    public void Remove(Subscription subscription) => _subscriptions.TryRemove(subscription, out _);
}
