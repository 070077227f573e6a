using System.Diagnostics;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>One direction of a <see cref="FlakyProxy"/>'s link: chunks take turns, each holding the link for as
/// long as its bytes take at the capped rate.</summary>
internal sealed class FlakyPacer
{
    private readonly Lock _lock = new();
    private long _freeAt;

    public async Task WaitAsync(int bytes, long? bytesPerSecond, CancellationToken cancellationToken)
    {
        if (bytesPerSecond is not > 0)
            return;
        var now = Stopwatch.GetTimestamp();
        long done;
        lock (_lock)
        {
            done = Math.Max(now, _freeAt) + bytes * Stopwatch.Frequency / bytesPerSecond.Value;
            _freeAt = done;
        }
        var wait = Stopwatch.GetElapsedTime(now, done);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait, cancellationToken);
    }
}
