using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;

// Every measurement reads /proc: the benchmark runs on Linux only.
[assembly: SupportedOSPlatform("linux")]

namespace Pinhole.MediaBench;

/// <summary>
/// This process's memory and CPU from /proc (Linux only, as the benchmark is): resident set, its peak (VmHWM), and
/// the CPU time of this process and of the children it waited for (ffmpeg and ffprobe), beside the whole machine's.
/// </summary>
internal static class ProcMeter
{
    // Linux reports CPU times in USER_HZ ticks, 100 per second on every mainstream architecture.
    private const double TicksPerSecond = 100;

    public static long ResidentKb() => Status("VmRSS");

    public static long PeakResidentKb() => Status("VmHWM");

    /// <summary>
    /// Sets VmHWM back to the current resident set (writing 5 to clear_refs, Linux 4.0+), so the next peak read is
    /// the peak of what runs from now on, not of start-up.
    /// </summary>
    public static void ResetPeak()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        var peak = PeakResidentKb();
        var resident = ResidentKb();
        // A kernel that ignored the request would leave start-up's peak in every reading after it.
        if (peak > resident + 1024)
            throw new InvalidOperationException($"VmHWM was not reset ({peak} kB peak, {resident} kB resident)");
    }

    public static Window Start() => new(Stopwatch.GetTimestamp(), OwnTicks(), MachineTicks());

    /// <summary>utime + stime + cutime + cstime: this process and the children it has waited for.</summary>
    private static long OwnTicks()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        // The command name in parentheses may hold spaces; the fields are counted from after it.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
    }

    private static (long Busy, long Total) MachineTicks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already inside user)
        var total = cpu.Take(8).Sum();
        return (total - cpu[3] - cpu[4], total);
    }

    private static long Status(string key)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"no {key} in /proc/self/status");
    }

    /// <summary>A stretch of time whose CPU use is to be told apart: ours (children included) and everyone else's.</summary>
    public sealed class Window(long startTimestamp, long ownTicks, (long Busy, long Total) machine)
    {
        public double Seconds => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;

        /// <summary>CPU used by this process and its waited-for children since the start, as a share of one core.</summary>
        public CpuShare Stop()
        {
            var wall = Seconds;
            var own = (OwnTicks() - ownTicks) / TicksPerSecond;
            var now = MachineTicks();
            var machinePercent = now.Total > machine.Total
                ? 100.0 * Environment.ProcessorCount * (now.Busy - machine.Busy) / (now.Total - machine.Total)
                : 0;
            var ownPercent = own / wall * 100;
            return new CpuShare(Math.Round(wall, 3), Math.Round(own, 2), Math.Round(ownPercent, 1), Math.Round(Math.Max(0, machinePercent - ownPercent), 1));
        }
    }
}

/// <param name="OwnCpuSeconds">This process and its waited-for children.</param>
/// <param name="OwnPercent">The same as a share of one core (200% is the whole machine).</param>
/// <param name="OtherPercent">Everything else the machine ran meanwhile, as a share of one core.</param>
internal sealed record CpuShare(double WallSeconds, double OwnCpuSeconds, double OwnPercent, double OtherPercent);
