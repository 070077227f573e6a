using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;

// Every measurement reads /proc: the benchmark runs on Linux only.
[assembly: SupportedOSPlatform("linux")]

namespace Pinhole.StreamBench;

/// <summary>
/// The server's memory and CPU, this process's CPU and the whole machine's, from /proc, sampled every 200 ms so a
/// stretch of the run can be read afterwards: its mean and peak resident set, and who used the cores meanwhile.
/// </summary>
internal sealed class Meter : IAsyncDisposable
{
    // Linux reports CPU times in USER_HZ ticks, 100 per second on every mainstream architecture.
    private const double TicksPerSecond = 100;

    private readonly int _serverPid;
    private readonly Lock _lock = new();
    private readonly List<Sample> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampling;

    public Meter(int serverPid)
    {
        _serverPid = serverPid;
        _samples.Add(Take());
        _sampling = SampleAsync(_stop.Token);
    }

    /// <summary>One look at everything, now.</summary>
    public Sample Take()
    {
        var server = Status(_serverPid);
        var own = Status(Environment.ProcessId);
        var (busy, total) = MachineTicks();
        return new Sample(Stopwatch.GetTimestamp(), server.GetValueOrDefault("VmRSS"), server.GetValueOrDefault("VmHWM"),
            server.GetValueOrDefault("Threads"), CpuTicks(_serverPid), own.GetValueOrDefault("VmRSS"), CpuTicks(Environment.ProcessId), busy, total);
    }

    /// <summary>From <paramref name="start"/> to now: CPU shares and the server's memory over the stretch.</summary>
    public Usage Since(Sample start)
    {
        var end = Take();
        List<Sample> inside;
        lock (_lock)
        {
            _samples.Add(end);
            inside = _samples.Where(s => s.Timestamp >= start.Timestamp).ToList();
        }
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, end.Timestamp).TotalSeconds;
        var server = (end.ServerTicks - start.ServerTicks) / TicksPerSecond / wall * 100;
        var client = (end.OwnTicks - start.OwnTicks) / TicksPerSecond / wall * 100;
        // /proc/stat counts every core; as a share of one core it adds up with the per-process figures.
        var machine = end.MachineTotal > start.MachineTotal
            ? 100.0 * Environment.ProcessorCount * (end.MachineBusy - start.MachineBusy) / (end.MachineTotal - start.MachineTotal)
            : 0;
        return new Usage(Math.Round(wall, 2), Math.Round(server, 1), Math.Round(client, 1), Math.Round(Math.Max(0, machine - server - client), 1),
            (long)inside.Average(s => s.ServerRssKb), inside.Max(s => s.ServerRssKb), end.ServerHwmKb, end.ServerThreads, inside.Max(s => s.ClientRssKb));
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var sample = Take();
                lock (_lock)
                    _samples.Add(sample);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the run is over.
        }
    }

    /// <summary>The numeric fields of /proc/PID/status (VmRSS and VmHWM in kB, Threads), or none once it is gone.</summary>
    private static Dictionary<string, long> Status(int pid)
    {
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon < 0)
                    continue;
                var parts = line[(colon + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length is 1 or 2 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out var value))
                    values[line[..colon]] = value;
            }
        }
        catch (IOException)
        {
            // The process has gone; report nothing rather than fail the run.
        }
        return values;
    }

    /// <summary>utime + stime from /proc/PID/stat (fields 14 and 15, after the parenthesised name).</summary>
    private static long CpuTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static (long Busy, long Total) MachineTicks()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum(); // user nice system idle iowait irq softirq steal (guest is inside user)
        return (total - fields[3] - fields[4], total);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _stop.Dispose();
    }
}

internal sealed record Sample(
    long Timestamp, long ServerRssKb, long ServerHwmKb, long ServerThreads, long ServerTicks, long ClientRssKb, long OwnTicks, long MachineBusy, long MachineTotal);

// CPU figures are CPU time over wall time, 100% being one core (so 200% is both cores of the benchmark machine).
/// <param name="OtherCpuPercent">The machine less the server and this client: other engineers' work and the kernel outside both.</param>
/// <param name="ServerRssMeanKb">The server's resident set, averaged over the samples of the stretch.</param>
/// <param name="ServerHwmKb">VmHWM at the end: the server's peak since it started.</param>
internal sealed record Usage(
    double Seconds, double ServerCpuPercent, double ClientCpuPercent, double OtherCpuPercent,
    long ServerRssMeanKb, long ServerRssMaxKb, long ServerHwmKb, long ServerThreads, long ClientRssMaxKb);
