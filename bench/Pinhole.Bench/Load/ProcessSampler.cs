using System.Diagnostics;
using System.Globalization;

namespace Pinhole.Bench.Load;

/// <summary>
/// What a run cost: the server's CPU time and memory (from /proc/PID), this process's own CPU time, and how busy
/// the whole machine was. Memory is sampled every 100 ms for the peak during the run; VmHWM is the server's peak
/// since it started.
/// </summary>
public sealed class ProcessSampler : IAsyncDisposable
{
    // Linux reports CPU times in USER_HZ ticks, 100 per second on every mainstream architecture.
    private const double TicksPerSecond = 100;

    private readonly int? _serverPid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private readonly TimeSpan _ownCpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly long? _serverTicksAtStart;
    private readonly int? _databasePid;
    private readonly long? _databaseTicksAtStart;
    private readonly (long Busy, long Total, long Niced) _machineAtStart = MachineTicks();
    private long _peakRssKb;

    /// <param name="serverPid">The server process.</param>
    /// <param name="databasePid">A database server's main process (the PostgreSQL postmaster): its CPU and its
    /// children's (the backends) are counted apart from the server's.</param>
    public ProcessSampler(int? serverPid, int? databasePid)
    {
        _serverPid = serverPid;
        _serverTicksAtStart = serverPid is { } pid ? CpuTicks(pid) : null;
        _databasePid = databasePid;
        _databaseTicksAtStart = databasePid is { } db ? TreeCpuTicks(db) : null;
        _sampling = serverPid is null ? Task.CompletedTask : SampleAsync(serverPid.Value, _stop.Token);
    }

    public ResourceUse Stop()
    {
        _stop.Cancel();
        var wall = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        var ownCpu = (Process.GetCurrentProcess().TotalProcessorTime - _ownCpuAtStart).TotalSeconds;
        var machine = MachineTicks();
        var machineTotal = machine.Total - _machineAtStart.Total;
        double? serverCpu = null;
        long? hwm = null, rss = null;
        if (_serverPid is { } pid && CpuTicks(pid) is { } ticks && _serverTicksAtStart is { } startTicks)
        {
            serverCpu = (ticks - startTicks) / TicksPerSecond / wall * 100;
            var status = Status(pid);
            hwm = status.GetValueOrDefault("VmHWM");
            rss = status.GetValueOrDefault("VmRSS");
            _peakRssKb = Math.Max(_peakRssKb, rss ?? 0);
        }
        double? databaseCpu = _databasePid is { } dbPid && _databaseTicksAtStart is { } dbStart
            ? (TreeCpuTicks(dbPid) - dbStart) / TicksPerSecond / wall * 100
            : null;
        var ownPercent = ownCpu / wall * 100;
        // /proc/stat counts every core; as a share of one core it adds up with the per-process figures.
        var machinePercent = machineTotal > 0 ? 100.0 * Environment.ProcessorCount * (machine.Busy - _machineAtStart.Busy) / machineTotal : 0;
        return new ResourceUse(
            serverCpu is null ? null : Math.Round(serverCpu.Value, 1),
            databaseCpu is null ? null : Math.Round(databaseCpu.Value, 1),
            Math.Round(ownPercent, 1),
            Math.Round(machinePercent, 1),
            Math.Round(Math.Max(0, machinePercent - ownPercent - (serverCpu ?? 0) - (databaseCpu ?? 0)), 1),
            _serverPid is null ? null : _peakRssKb, hwm, rss)
        {
            NicedCpuPercent = machineTotal > 0 ? Math.Round(100.0 * Environment.ProcessorCount * (machine.Niced - _machineAtStart.Niced) / machineTotal, 1) : 0,
        };
    }

    private async Task SampleAsync(int pid, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            do
            {
                if (Status(pid).TryGetValue("VmRSS", out var rss))
                    _peakRssKb = Math.Max(_peakRssKb, rss);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
            // Stopped: the run is over.
        }
    }

    /// <summary>The kB figures of /proc/PID/status (VmRSS, VmHWM, …).</summary>
    public static Dictionary<string, long> Status(int pid)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var parts = line[(colon + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (colon > 0 && parts.Length == 2 && parts[1] == "kB" && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var kb))
                    values[line[..colon]] = kb;
            }
        }
        catch (IOException)
        {
            // The process has gone; report nothing rather than fail the run.
        }
        return values;
    }

    /// <summary>cutime + cstime of a process (fields 16 and 17): its exited children that it has waited for.</summary>
    private static long? ReapedChildrenCpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>utime + stime of a process, from /proc/PID/stat (fields 14 and 15, after the parenthesised name).</summary>
    public static long? CpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// A process's CPU ticks plus its children's (PostgreSQL's backends are the postmaster's children): the live
    /// ones', and the exited ones' it has waited for (cutime + cstime), so a backend that ends during a run takes
    /// its CPU time with it into the parent's count instead of out of the total.
    /// </summary>
    public static long TreeCpuTicks(int pid)
    {
        var total = (CpuTicks(pid) ?? 0) + (ReapedChildrenCpuTicks(pid) ?? 0);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var child) || child == pid)
                continue;
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[1] == pid.ToString(CultureInfo.InvariantCulture))
                    total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // Gone between the listing and the read.
            }
        }
        return total;
    }

    /// <summary>
    /// Waits until the machine is nearly idle (under <paramref name="busyPercent"/> of one core for a whole second),
    /// at most <paramref name="patience"/>; returns how busy it was at the last look. The benchmark shares its cores
    /// with whatever else runs here (builds, tests), and a run measured beside a compiler measures the compiler.
    /// </summary>
    public static async Task<double> WaitForQuietAsync(double busyPercent, TimeSpan patience, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(patience.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var before = MachineTicks();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var after = MachineTicks();
            var busy = after.Total == before.Total ? 0 : 100.0 * Environment.ProcessorCount * (after.Busy - before.Busy) / (after.Total - before.Total);
            if (busy < busyPercent || Stopwatch.GetTimestamp() > deadline)
                return busy;
        }
    }

    /// <summary>
    /// Busy and total ticks of all CPUs, from the first line of /proc/stat (idle and iowait count as idle), and the busy
    /// ticks of processes at a lowered priority (nice &gt; 0), which yield the cores to the benchmark.
    /// </summary>
    private static (long Busy, long Total, long Niced) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();  // user nice system idle iowait irq softirq steal (guest is inside user)
        var idle = fields[3] + fields[4];
        return (total - idle, total, fields[1]);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}

// CPU figures are CPU time over wall time, 100% being one core (so 200% is both cores of the benchmark machine).
/// <param name="ServerCpuPercent">The server process.</param>
/// <param name="DatabaseCpuPercent">The database server's processes (PostgreSQL; SQLite runs inside the server).</param>
/// <param name="LoadGeneratorCpuPercent">This process.</param>
/// <param name="MachineCpuPercent">Every process and the kernel.</param>
/// <param name="OtherCpuPercent">The machine less the three above: other processes and kernel work outside them.</param>
public sealed record ResourceUse(
    double? ServerCpuPercent, double? DatabaseCpuPercent, double LoadGeneratorCpuPercent, double MachineCpuPercent, double OtherCpuPercent,
    long? ServerPeakRssKb, long? ServerVmHwmKb, long? ServerRssKb)
{
    /// <summary>The part of <see cref="OtherCpuPercent"/> that ran at a lowered priority (builds and tests under nice).</summary>
    public double NicedCpuPercent { get; init; }
}
