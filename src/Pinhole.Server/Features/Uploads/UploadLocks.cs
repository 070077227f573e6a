using System.Collections.Concurrent;

namespace Pinhole.Server.Features.Uploads;

/// <summary>
/// One writer per upload, in this process. A request that finds the upload held asks the holder to let go: on a
/// dropped mobile link the old request is usually a dead connection the server has not noticed yet (no FIN, no
/// RST ever came), still waiting for bytes that will never arrive, while the client has already reconnected. The
/// holder stops reading, writes what it had buffered, records it, and the newcomer proceeds with the true offset.
/// tusd does the same.
/// </summary>
public sealed class UploadLocks
{
    private sealed class Entry
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public Action? Release { get; set; }
    }

    /// <summary>
    /// How long the holder is left to finish on its own before it is stopped: long enough for it to drain what already
    /// reached the server (stopping it discards its connection's unread bytes), short for a client that reconnected.
    /// </summary>
    private static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(500);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<long, Entry> _entries = new();

    /// <summary>Takes the upload, asking any current holder to stop; <paramref name="abort"/> is how this holder is asked in turn.</summary>
    /// <exception cref="TimeoutException">The holder did not let go in time.</exception>
    public async Task<IDisposable> TakeAsync(long id, Action? abort)
    {
        var entry = _entries.GetOrAdd(id, _ => new Entry());
        if (!await entry.Gate.WaitAsync(Grace))
        {
            entry.Release?.Invoke();
            if (!await entry.Gate.WaitAsync(Patience))
                throw new TimeoutException("the upload is held by another request");
        }
        entry.Release = abort;
        return new Held(entry);
    }

    public void Forget(long id) => _entries.TryRemove(id, out _);

    private sealed class Held(Entry entry) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
                return;
            entry.Release = null;
            entry.Gate.Release();
        }
    }
}
