using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pinhole.StreamBench;

/// <summary><c>report</c>: one run.sh results directory as markdown tables, each target read as met or missed.</summary>
internal static class ReportCommand
{
    public const string Usage =
        """
        report --results DIR
          Prints the results run.sh wrote to DIR as the tables of bench/streaming/REPORT.md.
        """;

    // Issue 6's targets.
    private const long MemoryTargetKb = 1024 * 1024;
    private const int HeldTarget = 10_000;
    private const double LatencyP99TargetMs = 250;

    // The runs run.sh makes, in the order they are reported.
    private static readonly string[] LatencyRuns = ["latency-hashtag", "latency-user", "latency-mix"];
    private static readonly string[] ThroughputRuns = ["throughput-hashtag", "throughput-user"];

    public static int Run(CommandLine line)
    {
        var directory = line.RequiredText("results");
        line.RejectUnknown();
        var hold = Read<HoldResult>(directory, "hold");
        var latency = LatencyRuns.Select(n => Read<DeliverResult>(directory, n)).OfType<DeliverResult>().ToList();
        var throughput = ThroughputRuns.Select(n => Read<DeliverResult>(directory, n)).OfType<DeliverResult>().ToList();
        var report = new StringBuilder();
        Targets(report, hold, latency, throughput);
        Hold(report, hold);
        Latency(report, latency);
        Throughput(report, throughput);
        Machine(report, directory);
        Console.Write(report.ToString());
        return 0;
    }

    private static void Targets(StringBuilder report, HoldResult? hold, List<DeliverResult> latency, List<DeliverResult> throughput)
    {
        report.AppendLine("| target (issue 6) | measured | |");
        report.AppendLine("|---|---|---|");
        if (hold is { Steps.Count: > 0 } && hold.Steps[^1] is var most)
        {
            var peak = Math.Max(most.Settled.ServerRssMaxKb, most.Probes.Usage.ServerRssMaxKb);
            var met = most.Connections >= HeldTarget && most.Open == most.Connections && peak <= MemoryTargetKb && most.Probes.Delivered == most.Probes.Expected;
            report.AppendLine(Line($"| {HeldTarget:N0} SSE streams held in ≤ 1 GiB server RSS | {most.Open:N0} of {most.Connections:N0} open; RSS {Mb(most.Settled.ServerRssMeanKb)} MB held idle, {Mb(peak)} MB at the most (with a post going to all); every probe post reached all {most.Connections:N0}: {Yes(most.Probes.Delivered == most.Probes.Expected)} | **{(met ? "met" : "missed")}** |"));
        }
        foreach (var run in latency)
        {
            var l = run.Delivery.Latency;
            var all = run.Delivery.Delivered == run.Delivery.Expected;
            report.AppendLine(Line($"| p99 ≤ {LatencyP99TargetMs:F0} ms from POST to receipt, {Subscribers(run)} | p50 {l.P50:F1} ms, p99 {l.P99:F1} ms, max {l.Max:F1} ms ({run.Delivery.Delivered:N0} of {run.Delivery.Expected:N0} delivered) | **{(l.P99 <= LatencyP99TargetMs && all ? "met" : "missed")}** |"));
        }
        foreach (var run in throughput)
        {
            var lost = run.Delivery.Expected - run.Delivery.Delivered;
            var reading = lost == 0 ? "measured" : Line($"measured: **{lost:N0} events never delivered** ({run.Delivery.PostsReachingNone:N0} posts reached nobody, {run.DroppedStreams} streams dropped)");
            report.AppendLine(Line($"| fan-out throughput, {Subscribers(run)} (no number set) | {run.DeliveriesPerSecond:N0} events delivered/s ({run.PostsPerSecond:F1} posts/s) | {reading} |"));
        }
        report.AppendLine();
    }

    private static void Hold(StringBuilder report, HoldResult? hold)
    {
        if (hold is null)
            return;
        report.AppendLine(Line($"Held streams: anonymous `{hold.Stream}`, opened 48 at a time, each counted once the server wrote \":)\". The resident set is the server's VmRSS averaged over {hold.Steps[0].Settled.Seconds:F0} s of quiet after opening (and its highest sample); then three posts a second apart must reach every stream. Latency is from just before each POST to the read that brought its event."));
        report.AppendLine();
        report.AppendLine("| streams | open | opened in | server RSS MB, mean / max | per stream over idle | server threads | server CPU while idle | heartbeats seen | probe posts delivered | probe latency p50 / p99 / max ms | fan-out spread per post, max ms | RSS max while delivering MB | client RSS MB |");
        report.AppendLine("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        report.AppendLine(Line($"| 0 (idle) | – | – | {Mb(hold.Idle.ServerRssMeanKb)} / {Mb(hold.Idle.ServerRssMaxKb)} | – | {hold.Idle.ServerThreads} | {hold.Idle.ServerCpuPercent:F1}% | – | – | – | – | – | {Mb(hold.Idle.ClientRssMaxKb)} |"));
        foreach (var step in hold.Steps)
        {
            var perStream = (step.Settled.ServerRssMeanKb - hold.Idle.ServerRssMeanKb) / (double)step.Connections;
            var p = step.Probes;
            report.AppendLine(Line($"| {step.Connections:N0} | {step.Open:N0} | {step.OpenSeconds:F1} s | {Mb(step.Settled.ServerRssMeanKb)} / {Mb(step.Settled.ServerRssMaxKb)} | {perStream:F1} kB | {step.Settled.ServerThreads} | {step.Settled.ServerCpuPercent:F1}% | {step.Heartbeats:N0} | {p.Delivered:N0} / {p.Expected:N0} | {p.Latency.P50:F0} / {p.Latency.P99:F0} / {p.Latency.Max:F0} | {p.Spread.Max:F0} | {Mb(p.Usage.ServerRssMaxKb)} | {Mb(Math.Max(step.Settled.ClientRssMaxKb, p.Usage.ClientRssMaxKb))} |"));
        }
        report.AppendLine();
    }

    private static void Latency(StringBuilder report, List<DeliverResult> runs)
    {
        if (runs.Count == 0)
            return;
        report.AppendLine(Line($"Delivery latency at a fixed rate: {runs[0].Delivery.Posts} posts, one every {runs[0].IntervalMs} ms (open loop), each carrying #pyongyang, after {runs[0].WarmupPosts} unmeasured posts. Every (post, subscriber) pair is one sample. \"First\" is, per post, the earliest subscriber's latency (when delivery began); \"spread\" the last subscriber's less the first's (the fan-out itself). CPU: 100% is one core."));
        report.AppendLine();
        report.AppendLine("| run | subscribers | delivered | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | first, per post: p50 / max ms | posts whose first > 100 ms | spread per post p50 / max ms | POST p50 / p99 ms | server CPU | server CPU per post | client CPU | other CPU | server RSS max MB |");
        report.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var run in runs)
        {
            var d = run.Delivery;
            report.AppendLine(Line($"| {run.Label} | {Subscribers(run)} | {d.Delivered:N0} / {d.Expected:N0} | {d.Latency.P50:F1} | {d.Latency.P90:F1} | {d.Latency.P99:F1} | {d.Latency.P999:F1} | {d.Latency.Max:F1} | {d.First.P50:F1} / {d.First.Max:F1} | {d.FirstMs.Count(f => f > 100)} of {d.FirstMs.Count} | {d.Spread.P50:F1} / {d.Spread.Max:F1} | {d.PostResponse.P50:F1} / {d.PostResponse.P99:F1} | {d.Usage.ServerCpuPercent:F0}% | {CpuMs(d.Usage, d.Posts):F0} ms | {d.Usage.ClientCpuPercent:F0}% | {d.Usage.OtherCpuPercent:F0}% | {Mb(d.Usage.ServerRssMaxKb)} |"));
        }
        report.AppendLine();
        foreach (var run in runs)
            report.AppendLine(Line($"- {run.Label}, each post's first delivery in ms, in posting order: {string.Join(", ", run.Delivery.FirstMs.Select(f => f.ToString("F0", CultureInfo.InvariantCulture)))}"));
        report.AppendLine();
    }

    private static void Throughput(StringBuilder report, List<DeliverResult> runs)
    {
        if (runs.Count == 0)
            return;
        report.AppendLine(Line($"Fan-out throughput: the poster posts flat out ({runs[0].InFlight} POST in flight), {runs[0].Seconds:F0} s measured after a warm-up. Deliveries are events read by all subscribers together in the measured stretch; latency is of the posts sent in it; the drain is how long after the last POST's answer the last event arrived (the backlog the server built)."));
        report.AppendLine();
        report.AppendLine("| run | subscribers | posts/s | events delivered/s | slowest / fastest second | delivered | posts reaching all / none | streams dropped | latency p50 / p99 / max ms | POST p50 / p99 ms | drain s | server CPU | server CPU per delivery | client CPU | other CPU | server RSS max MB |");
        report.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
        foreach (var run in runs)
        {
            var d = run.Delivery;
            var range = run.DeliveriesPerSecondRange.Length == 2 ? Line($"{run.DeliveriesPerSecondRange[0]:N0} / {run.DeliveriesPerSecondRange[1]:N0}") : "–";
            report.AppendLine(Line($"| {run.Label} | {Subscribers(run)} | {run.PostsPerSecond:F1} | {run.DeliveriesPerSecond:N0} | {range} | {d.Delivered:N0} / {d.Expected:N0} | {d.PostsReachingAll:N0} / {d.PostsReachingNone:N0} of {d.Posts:N0} | {run.DroppedStreams} | {d.Latency.P50:F0} / {d.Latency.P99:F0} / {d.Latency.Max:F0} | {d.PostResponse.P50:F1} / {d.PostResponse.P99:F1} | {run.DrainSeconds:F1} | {d.Usage.ServerCpuPercent:F0}% | {d.Usage.ServerCpuPercent * 10_000 / run.DeliveriesPerSecond:F0} µs | {d.Usage.ClientCpuPercent:F0}% | {d.Usage.OtherCpuPercent:F0}% | {Mb(d.Usage.ServerRssMaxKb)} |"));
        }
        report.AppendLine();
    }

    private static void Machine(StringBuilder report, string directory)
    {
        var path = Path.Combine(directory, "machine.jsonl");
        if (!File.Exists(path))
            return;
        report.AppendLine("The machine at each step: the 1-minute load average when it began (after waiting, up to the limit, for it to fall below the threshold), and how busy both cores were during it (all processes; 100% is one core), and how much of that was processes at a lowered priority (nice 19: other engineers' builds and tests, which yield the cores to the benchmark).");
        report.AppendLine();
        report.AppendLine("| step | waited | quiet at start | load at start | machine busy during | of which niced | wall |");
        report.AppendLine("|---|--:|---|--:|--:|--:|--:|");
        foreach (var json in File.ReadLines(path).Where(l => l.Length > 0))
        {
            var note = JsonSerializer.Deserialize(json, ResultJson.Default.MachineNote) ?? throw new InvalidDataException($"bad line in {path}");
            report.AppendLine(Line($"| {note.Step} | {note.WaitedSeconds} s | {Yes(note.Quiet)} | {note.Load1:F2} | {note.BusyPercent:F0}% | {note.NicedPercent:F0}% | {note.WallSeconds:F0} s |"));
        }
        report.AppendLine();
    }

    /// <summary>The server's CPU time over the stretch, in ms per post (what a share of a core means on a shared machine).</summary>
    private static double CpuMs(Usage usage, int posts) => usage.ServerCpuPercent / 100 * usage.Seconds * 1000 / posts;

    private static T? Read<T>(string directory, string name) where T : class
    {
        var path = Path.Combine(directory, name + ".json");
        return File.Exists(path) ? ResultJson.Read<T>(path) : null;
    }

    private static string Subscribers(DeliverResult run) => (run.HashtagStreams, run.UserStreams) switch
    {
        (var h, 0) => Line($"{h:N0} #pyongyang"),
        (0, var u) => Line($"{u:N0} user"),
        var (h, u) => Line($"{h:N0} #pyongyang + {u:N0} user"),
    };

    private static string Mb(long kb) => (kb / 1024.0).ToString("F0", CultureInfo.InvariantCulture);

    private static string Yes(bool value) => value ? "yes" : "no";

    private static string Line(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
