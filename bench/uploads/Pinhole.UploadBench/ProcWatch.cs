using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;

// Every measurement reads /proc: the benchmark runs on Linux only.
[assembly: SupportedOSPlatform("linux")]

namespace Pinhole.UploadBench;

/// <summary>
/// Watches another process (the server or the sink) through /proc while an upload runs: its CPU time, its resident
/// set every few milliseconds, and the bytes it has written to files. Socket reads are not counted there (.NET
/// receives with recvmsg, which rchar leaves out), but the server writes each piece of a body to a file as soon as it
/// has it, so the moment <c>wchar</c> has grown by the upload's size is when it has the whole body: the end of "bytes
/// received", told apart from whatever it does with them afterwards (ffprobe, the database).
/// </summary>
internal sealed class ProcWatch : IDisposable
{
    // Linux reports CPU times in USER_HZ ticks, 100 per second on every mainstream architecture.
    private const double TicksPerSecond = 100;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(5);

    private readonly int _pid;
    private readonly long _receiveTarget;
    private readonly long _startTimestamp;
    private readonly Cpu _cpuAtStart;
    private readonly Io _ioAtStart;
    private readonly (long Busy, long Total) _machineAtStart;
    private readonly Thread _thread;
    private volatile bool _stopping;
    private long _peakRssKb;
    private double? _receivedAfter;

    /// <param name="receiveTarget">Bytes the process must write before the body counts as received.</param>
    private ProcWatch(int pid, long receiveTarget)
    {
        _pid = pid;
        _receiveTarget = receiveTarget;
        _cpuAtStart = ReadCpu(pid);
        _ioAtStart = ReadIo(pid);
        _machineAtStart = MachineTicks();
        _peakRssKb = Status(pid, "VmRSS");
        _startTimestamp = Stopwatch.GetTimestamp();
        // A thread of its own, not the thread pool: the samples keep their pace while the pool is busy.
        _thread = new Thread(Sample) { IsBackground = true, Name = "proc-watch", Priority = ThreadPriority.AboveNormal };
        _thread.Start();
    }

    /// <summary>
    /// Resets the process's VmHWM to its present resident set (writing 5 to clear_refs, Linux 4.0+), so the peak read
    /// at the end is this window's, then starts watching.
    /// </summary>
    public static ProcWatch Start(int pid, long receiveTarget)
    {
        File.WriteAllText($"/proc/{pid}/clear_refs", "5");
        return new ProcWatch(pid, receiveTarget);
    }

    public static long ResidentKb(int pid) => Status(pid, "VmRSS");

    public Usage Stop()
    {
        _stopping = true;
        _thread.Join();
        var wall = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
        var cpu = ReadCpu(_pid);
        var io = ReadIo(_pid);
        var machine = MachineTicks();
        var machineCpu = (machine.Busy - _machineAtStart.Busy) / TicksPerSecond;
        var peak = Math.Max(Interlocked.Read(ref _peakRssKb), Status(_pid, "VmHWM"));
        return new Usage(
            wall, _receivedAfter,
            (cpu.Own - _cpuAtStart.Own) / TicksPerSecond, (cpu.Children - _cpuAtStart.Children) / TicksPerSecond, machineCpu,
            peak, io.Read - _ioAtStart.Read, io.Written - _ioAtStart.Written, io.Stored - _ioAtStart.Stored);
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
    }

    private void Sample()
    {
        while (!_stopping)
        {
            try
            {
                var rss = Status(_pid, "VmRSS");
                if (rss > _peakRssKb)
                    Interlocked.Exchange(ref _peakRssKb, rss);
                if (_receivedAfter is null && ReadIo(_pid).Written - _ioAtStart.Written >= _receiveTarget)
                    _receivedAfter = Stopwatch.GetElapsedTime(_startTimestamp).TotalSeconds;
            }
            catch (IOException)
            {
                // The process is gone; Stop reports what was seen up to then.
                return;
            }
            Thread.Sleep(Interval);
        }
    }

    private readonly record struct Cpu(long Own, long Children);

    /// <param name="Read">rchar: bytes read from files (and pipes; not sockets, which .NET reads with recvmsg).</param>
    /// <param name="Written">wchar: every byte written, page cache included.</param>
    /// <param name="Stored">write_bytes: bytes sent to the block device (what the page cache flushed for it).</param>
    private readonly record struct Io(long Read, long Written, long Stored);

    private static Cpu ReadCpu(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name in parentheses may hold spaces; fields are counted from after it (utime is the 14th).
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int number) => long.Parse(fields[number - 3], CultureInfo.InvariantCulture);
        return new Cpu(Field(14) + Field(15), Field(16) + Field(17));
    }

    private static Io ReadIo(int pid)
    {
        long read = 0, written = 0, stored = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/io"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var value = long.Parse(line.AsSpan(colon + 1).Trim(), CultureInfo.InvariantCulture);
            switch (line[..colon])
            {
                case "rchar": read = value; break;
                case "wchar": written = value; break;
                case "write_bytes": stored = value; break;
            }
        }
        return new Io(read, written, stored);
    }

    private static (long Busy, long Total) MachineTicks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already inside user)
        var total = cpu.Take(8).Sum();
        return (total - cpu[3] - cpu[4], total);
    }

    private static long Status(int pid, string key)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(key + ":", StringComparison.Ordinal))
                return long.Parse(line[(key.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"no {key} in /proc/{pid}/status");
    }

    /// <param name="ReceivedAfterSeconds">When the process had written the whole body to files; null if it never did (a sink that discards).</param>
    /// <param name="CpuSeconds">The process's own CPU time (utime + stime).</param>
    /// <param name="ChildCpuSeconds">Its children reaped meanwhile (ffprobe at the end of an upload).</param>
    /// <param name="MachineCpuSeconds">The whole machine's busy time, every process.</param>
    public sealed record Usage(
        double WallSeconds, double? ReceivedAfterSeconds, double CpuSeconds, double ChildCpuSeconds, double MachineCpuSeconds,
        long PeakRssKb, long BytesRead, long BytesWritten, long BytesStored);
}
