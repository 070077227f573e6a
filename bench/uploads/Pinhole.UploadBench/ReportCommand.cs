using System.Globalization;
using System.Text;

namespace Pinhole.UploadBench;

/// <summary>
/// The results as markdown tables, each row the median of its runs with the spread beside it, and the targets read
/// as met or missed. MB is 10^6 bytes throughout (resident sets, which /proc gives in KiB, included).
/// </summary>
internal static class ReportCommand
{
    public const string Usage =
        """
        report --results RESULTS.jsonl [--ceiling LABEL --tus "LABEL;LABEL"] [--memory-one LABEL --memory-four LABEL]
            Prints the tables. --ceiling: the run the throughput target is read against; --tus: the tus runs held to
            it (separated by semicolons: labels hold commas); --memory-one / --memory-four: the runs the memory
            target is read from.
        """;

    private const double Mb = 1e6;

    public static int Run(CommandLine line)
    {
        var path = line.RequiredText("results");
        var ceilingLabel = line.Text("ceiling");
        var tusLabels = (line.Text("tus") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
        var memoryOne = line.Text("memory-one");
        var memoryFour = line.Text("memory-four");
        line.RejectUnknown();
        var (loopback, impaired) = ResultsFile.Read(path);
        var output = new StringBuilder();
        if (loopback.Count > 0)
            Loopback(output, loopback, ceilingLabel, tusLabels, memoryOne, memoryFour);
        if (impaired.Count > 0)
            Impaired(output, impaired);
        Console.Write(output.ToString());
        return 0;
    }

    private static void Loopback(StringBuilder output, List<LoopbackRun> runs, string? ceilingLabel, string[] tusLabels, string? memoryOne, string? memoryFour)
    {
        var groups = runs.GroupBy(r => r.Label).ToList();
        output.AppendLine("| upload | runs | load (1 min) | received MB/s, median (min–max) | end to end MB/s | receive s | answer after receipt s | server CPU s (% of a core) | ffprobe CPU s | curl CPU s | other CPU s | server RSS idle → peak MB | written by server MB (to disk MB) | processing s | outcome |");
        output.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|");
        foreach (var group in groups)
        {
            var list = group.ToList();
            var first = list[0];
            var bytes = (double)first.FileBytes * first.Parallel;
            // A refused upload's rates would be of a body the server stopped taking part-way: not shown.
            var refused = list.Any(r => r.Outcome != "ok");
            var received = list.Select(r => bytes / Received(r) / Mb).ToList();
            var endToEnd = list.Select(r => bytes / r.WallSeconds / Mb).ToList();
            var answer = list.Select(r => r.WallSeconds - Received(r)).ToList();
            var processing = list.Where(r => r.ProcessingSeconds is not null).Select(r => r.ProcessingSeconds!.Value).ToList();
            output.AppendLine(string.Join(" | ",
                $"| {group.Key}", list.Count.ToString(CultureInfo.InvariantCulture), Spread(list.Select(r => r.Load1).ToList(), "0.0"),
                refused ? "–" : MedianSpread(received, "0"), refused ? "–" : MedianSpread(endToEnd, "0"),
                refused ? "–" : MedianSpread(list.Select(Received).ToList(), "0.00"), MedianSpread(answer, "0.000"),
                $"{Median(list.Select(r => r.ServerCpuSeconds).ToList()):0.00} ({Median(list.Select(r => 100 * r.ServerCpuSeconds / r.WallSeconds).ToList()):0}%)",
                Median(list.Select(r => r.ServerChildCpuSeconds).ToList()).ToString("0.00", CultureInfo.InvariantCulture),
                Median(list.Select(r => r.ClientCpuSeconds).ToList()).ToString("0.00", CultureInfo.InvariantCulture),
                Spread(list.Select(r => r.OtherCpuSeconds).ToList(), "0.00"),
                $"{Median(list.Select(r => r.RssBeforeKb * 1024.0 / Mb).ToList()):0} → {Median(list.Select(r => r.RssPeakKb * 1024.0 / Mb).ToList()):0}",
                $"{Median(list.Select(r => r.ServerBytesWritten / Mb).ToList()):0} ({Median(list.Select(r => r.ServerBytesStored / Mb).ToList()):0})",
                processing.Count > 0 ? MedianSpread(processing, "0.0") : "–",
                string.Join(", ", list.Select(r => r.Outcome).Distinct()) + " |"));
        }
        output.AppendLine();

        output.AppendLine("Memory: the server's resident set just before each upload and its peak during it (VmHWM reset at the start, and VmRSS sampled every 5 ms).");
        output.AppendLine();
        output.AppendLine("| upload | at once | idle MB, median | peak MB, median | growth MB, median (min–max) | growth per upload MB |");
        output.AppendLine("|---|--:|--:|--:|--:|--:|");
        foreach (var group in groups.Where(g => g.First().Method != "sink"))
        {
            var list = group.ToList();
            var growth = list.Select(r => (r.RssPeakKb - r.RssBeforeKb) * 1024.0 / Mb).ToList();
            output.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | {list[0].Parallel} | {Median(list.Select(r => r.RssBeforeKb * 1024.0 / Mb).ToList()):0.0} | " +
                $"{Median(list.Select(r => r.RssPeakKb * 1024.0 / Mb).ToList()):0.0} | {MedianSpread(growth, "0.0")} | {Median(growth) / list[0].Parallel:0.00} |");
        }
        output.AppendLine();

        if (ceilingLabel is not null && groups.FirstOrDefault(g => g.Key == ceilingLabel) is { } ceiling)
        {
            var ceilingRate = Median(ceiling.Select(r => r.FileBytes * r.Parallel / Received(r) / Mb).ToList());
            output.AppendLine(CultureInfo.InvariantCulture, $"Throughput target (tus ≥ 0.8× the ceiling, `{ceilingLabel}`: {ceilingRate:0} MB/s received, median):");
            output.AppendLine();
            foreach (var label in tusLabels)
            {
                if (groups.FirstOrDefault(g => g.Key == label) is not { } tus)
                    continue;
                var rates = tus.Select(r => r.FileBytes * r.Parallel / Received(r) / Mb).ToList();
                var ends = tus.Select(r => r.FileBytes * r.Parallel / r.WallSeconds / Mb).ToList();
                var ratio = Median(rates) / ceilingRate;
                output.AppendLine(CultureInfo.InvariantCulture, $"- {label}: {Median(rates):0} MB/s received = {ratio:0.00}× (runs {Min(rates) / ceilingRate:0.00}–{Max(rates) / ceilingRate:0.00}×), " +
                    $"end to end {Median(ends) / ceilingRate:0.00}×: **{(ratio >= 0.8 ? "met" : "missed")}**");
            }
            output.AppendLine();
        }
        foreach (var label in new[] { memoryOne, memoryFour }.OfType<string>())
        {
            if (groups.FirstOrDefault(g => g.Key == label) is not { } group)
                continue;
            var perUpload = Median(group.Select(r => (r.RssPeakKb - r.RssBeforeKb) * 1024.0 / Mb).ToList()) / group.First().Parallel;
            output.AppendLine(CultureInfo.InvariantCulture, $"- Memory, {label}: {perUpload:0.00} MB per upload (median growth over idle / uploads at once): **{(perUpload <= 1 ? "met" : "missed")}** (target ≤ 1 MB)");
        }
        output.AppendLine();
    }

    private static void Impaired(StringBuilder output, List<ImpairedRun> runs)
    {
        var first = runs[0];
        output.AppendLine(CultureInfo.InvariantCulture, $"Impaired link: {first.BytesPerSecond * 8 / 1000} kbit/s each way, {first.RoundTripMs} ms round trip; file {first.FileBytes / Mb:0.00} MB ({first.FileBytes} bytes).");
        output.AppendLine();
        output.AppendLine("| upload | drops | runs | completed | time s, median (min–max) | sent over the link MB (× file) | file bytes the client sent MB | connections | drops hit | requests | attempts | outcome |");
        output.AppendLine("|---|---|--:|---|--:|--:|--:|--:|--:|--:|--:|---|");
        foreach (var group in runs.GroupBy(r => r.Label))
        {
            var list = group.ToList();
            var up = list.Select(r => r.LinkBytesUp / Mb).ToList();
            output.AppendLine(string.Join(" | ",
                $"| {group.Key}", list[0].CutEveryBytes > 0 ? $"every {list[0].CutEveryBytes / 1048576.0:0.#} MiB" : "none",
                list.Count.ToString(CultureInfo.InvariantCulture), $"{list.Count(r => r.Completed)} of {list.Count}",
                MedianSpread(list.Select(r => r.Seconds).ToList(), "0.0"),
                $"{MedianSpread(up, "0.00")} ({Median(up) * Mb / list[0].FileBytes:0.00}×)",
                Median(list.Select(r => r.ClientFileBytes / Mb).ToList()).ToString("0.00", CultureInfo.InvariantCulture),
                Spread(list.Select(r => (double)r.Connections).ToList(), "0"), Spread(list.Select(r => (double)r.Cuts).ToList(), "0"),
                Spread(list.Select(r => (double)r.Requests).ToList(), "0"), Spread(list.Select(r => (double)r.Attempts).ToList(), "0"),
                string.Join("; ", list.Select(r => r.Outcome).Distinct()) + " |"));
        }
        output.AppendLine();
    }

    /// <summary>When the body was all in: a sink that discards answers at once, so for it that is the wall time.</summary>
    private static double Received(LoopbackRun run) => run.ReceivedSeconds ?? run.WallSeconds;

    private static string MedianSpread(List<double> values, string format) =>
        values.Count == 1
            ? values[0].ToString(format, CultureInfo.InvariantCulture)
            : $"{Median(values).ToString(format, CultureInfo.InvariantCulture)} ({Min(values).ToString(format, CultureInfo.InvariantCulture)}–{Max(values).ToString(format, CultureInfo.InvariantCulture)})";

    private static string Spread(List<double> values, string format)
    {
        var low = Min(values).ToString(format, CultureInfo.InvariantCulture);
        var high = Max(values).ToString(format, CultureInfo.InvariantCulture);
        return low == high ? low : $"{low}–{high}";
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static double Min(List<double> values) => values.Min();

    private static double Max(List<double> values) => values.Max();
}
