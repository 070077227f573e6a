using System.Numerics;

namespace Pinhole.Bench.Load;

/// <summary>
/// Every latency of a run in microseconds, HdrHistogram-style: exact below 1,024 µs, then 512 linear buckets per
/// power of two (at most 0.2% off), so recording is one increment and percentiles are exact to that precision
/// however many requests a run makes. Safe to record from many threads at once.
/// </summary>
public sealed class LatencyHistogram
{
    private const int PrecisionBits = 10;
    private const int Exact = 1 << PrecisionBits;          // 1024
    private const int Half = Exact / 2;                    // 512 buckets per power of two above that
    private const int MaxShift = 30;                       // values up to about 2^40 µs (12 days)

    private readonly long[] _counts = new long[Exact + MaxShift * Half];
    private long _count;
    private long _sum;
    private long _max;

    public long Count => Interlocked.Read(ref _count);

    public double MeanMicroseconds => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    public long MaxMicroseconds => Interlocked.Read(ref _max);

    public void Record(long microseconds)
    {
        var value = Math.Max(0, microseconds);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        var max = Interlocked.Read(ref _max);
        while (value > max)
        {
            var seen = Interlocked.CompareExchange(ref _max, value, max);
            if (seen == max)
                break;
            max = seen;
        }
    }

    /// <summary>The smallest recorded value that <paramref name="quantile"/> of all values are at or below (the bucket's top).</summary>
    public long PercentileMicroseconds(double quantile)
    {
        var count = Count;
        if (count == 0)
            return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
                return Math.Min(HighestIn(i), MaxMicroseconds);
        }
        return MaxMicroseconds;
    }

    public static int IndexOf(long value)
    {
        if (value < Exact)
            return (int)value;
        var shift = Math.Min(63 - BitOperations.LeadingZeroCount((ulong)value) - (PrecisionBits - 1), MaxShift);
        var top = Math.Min(value >> shift, Exact - 1);
        return Exact + (shift - 1) * Half + (int)(top - Half);
    }

    public static long HighestIn(int index)
    {
        if (index < Exact)
            return index;
        var shift = (index - Exact) / Half + 1;
        var top = (long)((index - Exact) % Half + Half);
        return ((top + 1) << shift) - 1;
    }
}
