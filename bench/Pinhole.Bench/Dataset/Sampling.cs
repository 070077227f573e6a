namespace Pinhole.Bench.Dataset;

/// <summary>Draws indexes with probability proportional to fixed weights (a cumulative table and a binary search).</summary>
public sealed class WeightedSampler
{
    private readonly double[] _cumulative;

    public WeightedSampler(IReadOnlyList<double> weights)
    {
        _cumulative = new double[weights.Count];
        var sum = 0.0;
        for (var i = 0; i < weights.Count; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(weights[i]);
            sum += weights[i];
            _cumulative[i] = sum;
        }
        if (sum <= 0)
            throw new ArgumentException("At least one weight must be positive.", nameof(weights));
    }

    public int Sample(Random random)
    {
        var target = random.NextDouble() * _cumulative[^1];
        var index = Array.BinarySearch(_cumulative, target);
        index = index < 0 ? ~index : index + 1;
        return Math.Min(index, _cumulative.Length - 1);
    }

    /// <summary>Zipf-like weights: the item at rank r (0-based) weighs 1 / (r + 1)^exponent.</summary>
    public static double[] Zipf(int count, double exponent)
    {
        var weights = new double[count];
        for (var rank = 0; rank < count; rank++)
            weights[rank] = Math.Pow(rank + 1, -exponent);
        return weights;
    }
}

/// <summary>
/// Snowflake ids for rows made at given times, laid out as <c>Pinhole.Data.Snowflake</c> lays them out
/// (milliseconds since the epoch &lt;&lt; 16 | node &lt;&lt; 10 | sequence, node 0). Times must come in order; a
/// millisecond that fills up borrows the next, exactly as the server does, so the time part of every id is the
/// row's created_at.
/// </summary>
public sealed class IdClock
{
    private const long SequenceMask = (1 << 10) - 1;
    private long _lastMillisecond = -1;
    private long _sequence;

    public long Next(long millisecond)
    {
        if (millisecond < _lastMillisecond - 1000)
            throw new InvalidOperationException("Times must be given in order.");
        if (millisecond > _lastMillisecond)
        {
            _lastMillisecond = millisecond;
            _sequence = 0;
        }
        else if (++_sequence > SequenceMask)
        {
            _lastMillisecond++;
            _sequence = 0;
        }
        return (_lastMillisecond << 16) | _sequence;
    }

    public static long TimeOf(long id) => id >> 16;
}

public static class RandomExtensions
{
    /// <summary>A standard normal variate (Box–Muller).</summary>
    public static double NextGaussian(this Random random)
    {
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public static long NextBetween(this Random random, long low, long high) =>
        high <= low ? low : low + (long)(random.NextDouble() * (high - low));

    public static T Pick<T>(this Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];
}
