namespace Pinhole.Data;

/// <summary>
/// 64-bit, time-ordered ids as Mastodon makes them: milliseconds since the Unix epoch in the high 48 bits, so
/// "posts from the last day" is an id range and every id index is also a time index. The low 16 bits hold a
/// node number (6 bits, so several nodes never collide) and a per-millisecond sequence (10 bits).
/// </summary>
public sealed class Snowflake
{
    private const int SequenceBits = 10;
    private const int NodeBits = 6;
    private const long SequenceMask = (1L << SequenceBits) - 1;

    private readonly TimeProvider _time;
    private readonly long _node;
    private readonly Lock _lock = new();
    private long _lastMillisecond;
    private long _sequence;

    public Snowflake(TimeProvider time, int node = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(node);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(node, 1 << NodeBits);
        _time = time;
        _node = node;
    }

    public const int MaxNode = (1 << NodeBits) - 1;

    public long NextId()
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            if (now > _lastMillisecond)
            {
                _lastMillisecond = now;
                _sequence = 0;
            }
            else if (++_sequence > SequenceMask)
            {
                // More than 1,024 ids in one millisecond (or the clock stepped back): borrow the next
                // millisecond rather than ever repeat or reorder an id.
                _lastMillisecond++;
                _sequence = 0;
            }
            return (_lastMillisecond << 16) | (_node << SequenceBits) | _sequence;
        }
    }

    /// <summary>The smallest id that can have been made at <paramref name="time"/>: a time bound as an id bound.</summary>
    public static long LowestIdAt(DateTimeOffset time) => Math.Max(0, time.ToUnixTimeMilliseconds()) << 16;

    public static DateTimeOffset TimeOf(long id) => DateTimeOffset.FromUnixTimeMilliseconds(id >> 16);
}
