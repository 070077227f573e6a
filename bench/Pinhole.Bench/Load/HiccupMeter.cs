using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pinhole.Bench.Load;

/// <summary>
/// Measures this process's own stalls, as jHiccup does: a thread asks to sleep 5 ms again and again and records
/// how much longer each sleep took. A latency spike in the results that the meter also saw (a GC pause here, the
/// machine too busy to schedule us) belongs to the load generator or the machine, not to the server.
/// </summary>
public sealed class HiccupMeter : IDisposable
{
    // Long enough to cost next to no CPU (200 wake-ups a second), short enough to see any stall that matters.
    private const uint SleepMicroseconds = 5000;

    private readonly Thread _thread;
    private readonly long[] _worstPerSecond = new long[3600];
    private readonly long _start = Stopwatch.GetTimestamp();
    private volatile bool _stopped;

    public HiccupMeter()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "hiccup meter" };
        _thread.Start();
    }

    /// <summary>The longest oversleep (µs) seen in each second since the meter started.</summary>
    public IReadOnlyList<long> WorstPerSecond(TimeSpan duration) =>
        _worstPerSecond.Take((int)Math.Min(_worstPerSecond.Length, Math.Ceiling(duration.TotalSeconds))).ToArray();

    private void Run()
    {
        while (!_stopped)
        {
            var before = Stopwatch.GetTimestamp();
            _ = usleep(SleepMicroseconds);
            var after = Stopwatch.GetTimestamp();
            var oversleep = (after - before) * 1_000_000 / Stopwatch.Frequency - SleepMicroseconds;
            var second = (after - _start) / Stopwatch.Frequency;
            if (second < _worstPerSecond.Length && oversleep > _worstPerSecond[second])
                _worstPerSecond[second] = oversleep;
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _thread.Join();
    }

    [DllImport("libc", SetLastError = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int usleep(uint microseconds);
}
