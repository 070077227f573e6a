using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pinhole.Bench.Load;

/// <summary><c>report</c>: the runs of a results file as the markdown table docs/benchmarks.md shows.</summary>
public static class ReportCommand
{
    public const string Usage =
        """
        report --results FILE
          Prints the runs appended by `load --results FILE` as a markdown table.
        """;

    public static async Task<int> RunAsync(CommandLine args, CancellationToken cancellationToken)
    {
        var file = args.RequiredText("results");
        args.RejectUnknown();
        var runs = (await File.ReadAllLinesAsync(file, cancellationToken))
            .Where(line => line.Length > 0)
            .Select(line => JsonSerializer.Deserialize(line, ResultJson.Default.RunResult)!)
            .ToList();
        Console.Write(Table(runs));
        return 0;
    }

    public static string Table(IReadOnlyList<RunResult> runs)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new StringBuilder();
        table.AppendLine("| run | load | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | seconds with one > 50 ms | errors | server CPU | PostgreSQL CPU | load-gen CPU, own worst stall | other CPU (of it niced) | server RSS end / peak in run |");
        table.AppendLine("|---|---|--:|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|");
        foreach (var r in runs)
        {
            var load = r.Mode == "max"
                ? string.Create(inv, $"closed loop, {r.Workers} workers")
                : string.Create(inv, $"open loop, {r.TargetRate:0.#}/s");
            var errors = r.Errors.Count == 0 ? "0" : string.Join(", ", r.Errors.OrderByDescending(e => e.Value).Select(e => string.Create(inv, $"{e.Value} × {e.Key}")));
            var stalled = string.Create(inv, $"{r.WorstPerSecond.Count(ms => ms > 50)} of {r.WorstPerSecond.Count}");
            var res = r.Resources;
            var memory = res.ServerRssKb is null ? "" : string.Create(inv, $"{res.ServerRssKb / 1024} / {res.ServerPeakRssKb / 1024} MB");
            var serverCpu = res.ServerCpuPercent is null ? "" : string.Create(inv, $"{res.ServerCpuPercent:F0}%");
            var databaseCpu = res.DatabaseCpuPercent is null ? "–" : string.Create(inv, $"{res.DatabaseCpuPercent:F0}%");
            table.AppendLine(string.Create(inv,
                $"| {r.Label} | {load} | {r.Throughput:N0} | {r.Latency.P50:F2} | {r.Latency.P90:F2} | {r.Latency.P99:F2} | {r.Latency.P999:F2} | {r.Latency.Max:F1} | {stalled} | {errors} | {serverCpu} | {databaseCpu} | {res.LoadGeneratorCpuPercent:F0}%, {r.LoadGeneratorHiccups.DefaultIfEmpty(0).Max():0} ms | {res.OtherCpuPercent:F0}% ({res.NicedCpuPercent:F0}%) | {memory} |"));
        }
        return table.ToString();
    }
}
