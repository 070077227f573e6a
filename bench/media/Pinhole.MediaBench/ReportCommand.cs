using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pinhole.MediaBench;

/// <summary><c>report</c>: one run.sh results directory as markdown tables, each target read as met or missed.</summary>
internal static class ReportCommand
{
    public const string Usage =
        """
        report --results DIR
          Prints the results run.sh wrote to DIR as the tables of bench/media/REPORT.md.
        """;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(CommandLine line)
    {
        var directory = line.RequiredText("results");
        line.RejectUnknown();
        var results = new ResultsDirectory(directory);
        var report = new StringBuilder();
        Photo(results, report);
        Video(results, report);
        Targets(results, report);
        Machine(results, report);
        Console.Write(report.ToString());
        return 0;
    }

    private static void Photo(ResultsDirectory results, StringBuilder report)
    {
        var ours = results.Read<PhotoTiming>("photo-pinhole");
        if (ours is null)
            return;
        var oursMedian = Stats.Median(ours.WallMs);
        var memory = results.Memory();
        report.AppendLine(Line($"Photo: {Path.GetFileName(ours.Input)} → {ours.Renditions.Count} renditions (+ BlurHash for Pinhole), one photo at a time. Times in ms; CPU is user + system per photo (above the wall time when both cores worked); peak RSS is the largest process's."));
        report.AppendLine();
        report.AppendLine("| approach | runs | median ms | min–max ms | CPU ms | output bytes | peak RSS MB | over idle MB | time ÷ Pinhole's |");
        report.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|");
        var memoryCells = memory.Count == 0
            ? "| – | – |"
            : Line($"| {Stats.Median(memory.Select(m => m.PeakKb / 1024.0).ToList()):F0} | {Stats.Median(memory.Select(m => (m.PeakKb - m.BaselineKb) / 1024.0).ToList()):F0} (max {memory.Max(m => m.PeakKb - m.BaselineKb) / 1024.0:F0}) |");
        report.AppendLine(Line($"| Pinhole PhotoProcessor, in process | {ours.WallMs.Count} | {oursMedian:F0} | {Stats.Min(ours.WallMs):F0}–{Stats.Max(ours.WallMs):F0} | {Stats.Median(ours.CpuMs):F0} | {ours.Renditions.Sum(r => r.Bytes):N0} {memoryCells} 1.00 |"));
        foreach (var (name, label, idle) in CliPhotoTools)
        {
            if (results.Hyperfine($"photo-{name}") is not { } cli)
                continue;
            var times = cli.Times.Select(t => t * 1000).ToList();
            var peak = results.MaxRssKb($"photo-{name}");
            var idleKb = results.MaxRssKb($"idle-{idle}");
            report.AppendLine(Line($"| {label} | {times.Count} | {Stats.Median(times):F0} | {Stats.Min(times):F0}–{Stats.Max(times):F0} | {(cli.User + cli.System) * 1000:F0} | {results.OutputBytes(name):N0} | {peak / 1024.0:F0} | {(peak - idleKb) / 1024.0:F0} | {Stats.Median(times) / oursMedian:F2} |"));
        }
        report.AppendLine();
        if (results.StartupMs("vipsthumbnail") is { } vipsStart && results.StartupMs("convert") is { } convertStart)
        {
            report.AppendLine(Line($"Start-up: a vipsthumbnail process on a 16-pixel photo takes {vipsStart:F0} ms (median), convert {convertStart:F0} ms. The one-run-per-rendition script starts 12 processes ({12 * vipsStart:F0} ms of start-ups), the cascade 13 ({13 * vipsStart:F0} ms); the floors less their start-ups would be {results.MedianMs("photo-vipsthumbnail") - 12 * vipsStart:F0} and {results.MedianMs("photo-vipsthumbnail-cascade") - 13 * vipsStart:F0} ms."));
            report.AppendLine();
        }
        report.AppendLine(Line($"Pinhole's peak RSS is VmHWM in a fresh process that had already processed a small photo five times (JIT, libvips start-up), reset to its resident set just before the measured photo; \"over idle\" is that peak minus the resident set at the reset (median of {memory.Count} processes, and the largest). For the CLI tools it is /usr/bin/time's maximum resident set size of the largest process, and \"over idle\" subtracts the same tool's on a 16-pixel photo ({results.MaxRssKb("idle-vipsthumbnail") / 1024.0:F0} MB for vipsthumbnail, {results.MaxRssKb("idle-convert") / 1024.0:F0} MB for convert)."));
        report.AppendLine();

        var throughput = results.Read<PhotoThroughput>("photo-pinhole-throughput");
        if (throughput is not null)
        {
            report.AppendLine("Sustained, two photos in flight:");
            report.AppendLine();
            report.AppendLine("| approach | photos | seconds | photos/s | latency median / max ms | CPU | other CPU | peak RSS over baseline |");
            report.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|");
            report.AppendLine(Line($"| Pinhole PhotoProcessor, 2 threads | {throughput.Photos} | {throughput.Seconds:F1} | {throughput.PhotosPerSecond:F2} | {Stats.Median(throughput.LatencyMs):F0} / {Stats.Max(throughput.LatencyMs):F0} | {throughput.Cpu.OwnPercent:F0}% | {throughput.Cpu.OtherPercent:F0}% | {(throughput.PeakKb - throughput.BaselineKb) / 1024.0:F0} MB |"));
            if (results.Read<PhotoThroughput>("photo-pinhole-throughput-tuned") is { } tuned)
                report.AppendLine(Line($"| the same, original capped at {tuned.OriginalMaxEdge} and WebP effort {tuned.WebPEffort} | {tuned.Photos} | {tuned.Seconds:F1} | {tuned.PhotosPerSecond:F2} | {Stats.Median(tuned.LatencyMs):F0} / {Stats.Max(tuned.LatencyMs):F0} | {tuned.Cpu.OwnPercent:F0}% | {tuned.Cpu.OtherPercent:F0}% | {(tuned.PeakKb - tuned.BaselineKb) / 1024.0:F0} MB |"));
            foreach (var (name, label, _) in CliPhotoTools.Where(t => t.Name.StartsWith("vipsthumbnail", StringComparison.Ordinal)))
            {
                if (results.Read<FloorThroughput>($"photo-{name}-throughput") is { } floor)
                    report.AppendLine(Line($"| {label}, `xargs -P 2` | {floor.Photos} | {floor.Seconds:F1} | {floor.Photos / floor.Seconds:F2} | – | – | – | – |"));
            }
            report.AppendLine();
        }

        var split = new[]
            {
                ("server-jpeg", "the 6 JPEG renditions only"),
                ("server-webp", "the 6 WebP renditions only"),
                ("original-2000", "all 12, the original capped at 2000 (the JPEG decoded at half scale)"),
                ("tuned", "all 12, the original capped at 2000 and WebP effort 0"),
            }
            .Select(p => (Label: p.Item2, Timing: results.Read<PhotoTiming>($"photo-pinhole-{p.Item1}")))
            .Where(p => p.Timing is not null)
            .ToList();
        if (split.Count > 0)
        {
            report.AppendLine("Where Pinhole's time goes (each also decodes the photo, resizes and computes the BlurHash), 10 runs each:");
            report.AppendLine();
            report.AppendLine("| asked for | median ms | CPU ms | bytes |");
            report.AppendLine("|---|--:|--:|--:|");
            report.AppendLine(Line($"| all 12 (above) | {oursMedian:F0} | {Stats.Median(ours.CpuMs):F0} | {ours.Renditions.Sum(r => r.Bytes):N0} |"));
            foreach (var (label, timing) in split)
                report.AppendLine(Line($"| {label} | {Stats.Median(timing!.WallMs):F0} | {Stats.Median(timing.CpuMs):F0} | {timing.Renditions.Sum(r => r.Bytes):N0} |"));
            report.AppendLine();
        }

        var efforts = Enumerable.Range(0, 7).Select(e => (Effort: e, Timing: results.Read<PhotoTiming>($"photo-pinhole-effort-{e}"))).Where(e => e.Timing is not null).ToList();
        if (efforts.Count > 0)
        {
            report.AppendLine("The same photo by WebP effort (libwebp's method; the pipeline's default is 4), 10 runs each:");
            report.AppendLine();
            report.AppendLine("| WebP effort | median ms | CPU ms | WebP bytes (6 files) | JPEG bytes (6 files) |");
            report.AppendLine("|--:|--:|--:|--:|--:|");
            foreach (var (effort, timing) in efforts)
            {
                report.AppendLine(Line($"| {effort} | {Stats.Median(timing!.WallMs):F0} | {Stats.Median(timing.CpuMs):F0} | {timing.Renditions.Where(r => r.Format == "WebP").Sum(r => r.Bytes):N0} | {timing.Renditions.Where(r => r.Format == "Jpeg").Sum(r => r.Bytes):N0} |"));
            }
            report.AppendLine();
        }
    }

    private static readonly (string Name, string Label, string Idle)[] CliPhotoTools =
    [
        ("vipsthumbnail", "vipsthumbnail, one run per rendition", "vipsthumbnail"),
        ("vipsthumbnail-cascade", "vipsthumbnail, decode once to 2048 (.v), then one run per rendition", "vipsthumbnail"),
        ("convert", "ImageMagick convert, one process, one decode", "convert"),
    ];

    private static readonly (string Name, string Label)[] VideoRows =
    [
        ("video-pinhole-phone", "Pinhole job: phone clip (1080p → 720p + 360p, poster)"),
        ("video-byhand-phone-job", "by hand: the job's 5 commands (job.sh)"),
        ("video-byhand-phone-encode", "by hand: the encode alone (encode.sh)"),
        ("video-pinhole-compliant", "Pinhole job: compliant 720p clip (copy 720p, poster; ready, the 360p follows)"),
        ("video-byhand-compliant-job", "by hand: the remux job's commands"),
        ("video-byhand-compliant-encode", "by hand: its ffmpeg run alone (copy 720p)"),
        ("video-byhand-compliant-copy", "by hand: the copy alone (the 720p output only)"),
        ("video-pinhole-twin", "Pinhole job: the same video with MP3 sound (re-encoded: 720p + 360p, poster)"),
        ("video-byhand-reencode-job", "by hand: that job's 5 commands, on the compliant clip"),
        ("video-byhand-reencode-encode", "by hand: its encode alone (720p + 360p), on the compliant clip"),
        ("video-byhand-reencode-encode-720p", "by hand: the 720p encode alone, on the compliant clip"),
    ];

    private static void Video(ResultsDirectory results, StringBuilder report)
    {
        var rows = VideoRows.Select(r => (r.Label, Timing: results.Timing(r.Name), PeakKb: results.MaxRssKb(r.Name))).Where(r => r.Timing is not null).ToList();
        if (rows.Count == 0)
            return;
        var clip = results.Read<VideoTiming>("video-pinhole-phone")?.DurationSeconds ?? 15;
        report.AppendLine(Line($"Video: seconds per job or command (clips are {clip:0.#} s long). CPU is user + system of every process (for Pinhole's jobs, the .NET process and the ffmpeg and ffprobe it ran). Peak RSS: ffmpeg's, from /usr/bin/time."));
        report.AppendLine();
        report.AppendLine("| job or command | runs | median s | min–max s | CPU s | × real time | peak RSS MB |");
        report.AppendLine("|---|--:|--:|--:|--:|--:|--:|");
        foreach (var (label, timing, peakKb) in rows)
        {
            var t = timing!;
            var peak = peakKb == 0 ? "–" : Line($"{peakKb / 1024.0:F0}");
            report.AppendLine(Line($"| {label} | {t.Seconds.Count} | {Stats.Median(t.Seconds):F2} | {Stats.Min(t.Seconds):F2}–{Stats.Max(t.Seconds):F2} | {t.CpuSeconds:F1} | {Stats.Median(t.Seconds) / clip:F2} | {peak} |"));
        }
        if (results.Read<PhotoTiming>("poster-pinhole") is { } poster)
            report.AppendLine(Line($"| Pinhole's poster encode alone (libvips, in process: JPEG + WebP + BlurHash of the 1280×720 frame) | {poster.WallMs.Count} | {Stats.Median(poster.WallMs) / 1000:F3} | {Stats.Min(poster.WallMs) / 1000:F3}–{Stats.Max(poster.WallMs) / 1000:F3} | {Stats.Median(poster.CpuMs) / 1000:F2} | – | – |"));
        report.AppendLine();
    }

    private static void Targets(ResultsDirectory results, StringBuilder report)
    {
        var verdicts = new List<(string Target, string Measured, bool? Met)>();
        var ours = results.Read<PhotoTiming>("photo-pinhole") is { } p ? Stats.Median(p.WallMs) : (double?)null;
        var floors = CliPhotoTools.Where(t => t.Name.StartsWith("vipsthumbnail", StringComparison.Ordinal))
            .Select(t => (t.Name, Result: results.Hyperfine($"photo-{t.Name}")))
            .Where(f => f.Result is not null)
            .Select(f => (f.Name, Median: Stats.Median(f.Result!.Times) * 1000))
            .ToList();
        if (ours is { } o && floors.Count > 0)
        {
            var floor = floors.MinBy(f => f.Median);
            var ratio = o / floor.Median;
            var adjusted = results.StartupMs("vipsthumbnail") is { } start
                ? Line($"; {o / (floor.Median - (floor.Name == "vipsthumbnail" ? 12 : 13) * start):F2}× its time less process start-ups")
                : "";
            verdicts.Add(("Photo ≤ 1.2× the vipsthumbnail floor", Line($"{ratio:F2}× ({o:F0} ms vs {floor.Median:F0} ms, {floor.Name}, the faster floor){adjusted}"), ratio <= 1.2));
        }
        if (ours is { } o2 && results.Hyperfine("photo-convert") is { } convert)
        {
            var ratio = Stats.Median(convert.Times) * 1000 / o2;
            verdicts.Add(("Photo ≥ 3× faster than convert", Line($"{ratio:F2}× ({Stats.Median(convert.Times) * 1000:F0} ms vs {o2:F0} ms)"), ratio >= 3));
        }
        var memory = results.Memory();
        var throughput = results.Read<PhotoThroughput>("photo-pinhole-throughput");
        if (memory.Count > 0)
        {
            var worst = memory.Max(m => m.PeakKb - m.BaselineKb) / 1024.0;
            var perPhoto = throughput is null ? (double?)null : (throughput.PeakKb - throughput.BaselineKb) / 1024.0 / throughput.InFlight;
            var measured = Line($"one photo: +{worst:F0} MB at most over {memory.Count} processes") +
                (perPhoto is { } pp ? Line($"; {throughput!.InFlight} in flight for {throughput.Seconds:F0} s: +{pp * throughput.InFlight:F0} MB, {pp:F0} MB per photo") : "");
            verdicts.Add(("Photo ≤ 150 MB peak per photo in flight", measured, Math.Max(worst, perPhoto ?? 0) <= 150));
        }
        if (throughput is not null)
            verdicts.Add(("Photo ≥ 8 photos/s sustained on 2 cores", Line($"{throughput.PhotosPerSecond:F2} photos/s ({throughput.InFlight} in flight, {throughput.Seconds:F0} s)"), throughput.PhotosPerSecond >= 8));

        var job = results.Timing("video-pinhole-phone");
        var byHand = results.Timing("video-byhand-phone-job");
        var clip = results.Read<VideoTiming>("video-pinhole-phone")?.DurationSeconds;
        if (job is not null && byHand is not null)
        {
            var ratio = Stats.Median(job.Seconds) / Stats.Median(byHand.Seconds);
            verdicts.Add(("Video ≤ 1.05× the same ffmpeg commands by hand", Line($"{ratio:F3}× ({Stats.Median(job.Seconds):F2} s vs {Stats.Median(byHand.Seconds):F2} s, whole job)"), ratio <= 1.05));
        }
        if (job is not null && clip is { } seconds)
        {
            var ratio = Stats.Median(job.Seconds) / seconds;
            var encode = results.Timing("video-byhand-phone-encode");
            var encodeText = encode is null ? "" : Line($"; the encode alone {Stats.Median(encode.Seconds) / seconds:F2}×");
            verdicts.Add(("Video ≤ 1.0× real time, 720p + 360p on 2 cores", Line($"{ratio:F2}× ({Stats.Median(job.Seconds):F2} s for {seconds:0.#} s, whole job){encodeText}"), ratio <= 1.0));
        }
        var remuxJob = results.Timing("video-byhand-compliant-job");
        var reencodeJob = results.Timing("video-byhand-reencode-job");
        if (remuxJob is not null && reencodeJob is not null)
        {
            var ratio = Stats.Median(reencodeJob.Seconds) / Stats.Median(remuxJob.Seconds);
            var pinhole = (results.Timing("video-pinhole-twin"), results.Timing("video-pinhole-compliant")) is ({ } twin, { } compliant)
                ? Line($"; through Pinhole {Stats.Median(twin.Seconds) / Stats.Median(compliant.Seconds):F2}× ({Stats.Median(twin.Seconds):F2} s vs {Stats.Median(compliant.Seconds):F2} s)")
                : "";
            var follows = results.Read<VideoTiming>("video-pinhole-compliant") is { LowFollowsMs.Count: > 0 } remuxed
                ? Line($"; the 360p follows in {Stats.Median(remuxed.LowFollowsMs) / 1000:F2} s, after the media is ready")
                : "";
            verdicts.Add(("Remux ≥ 10× faster than re-encoding: the job until the media is ready (copy 720p + poster vs encode 720p and 360p + poster)", Line($"{ratio:F2}× by hand ({Stats.Median(reencodeJob.Seconds):F2} s vs {Stats.Median(remuxJob.Seconds):F2} s){pinhole}{follows}"), ratio >= 10));
        }
        var copy = results.Timing("video-byhand-compliant-copy");
        var encode720 = results.Timing("video-byhand-reencode-encode-720p");
        if (copy is not null && encode720 is not null)
        {
            var ratio = Stats.Median(encode720.Seconds) / Stats.Median(copy.Seconds);
            verdicts.Add(("Remux ≥ 10× faster than re-encoding: the copy step alone (the 720p output)", Line($"{ratio:F0}× ({Stats.Median(encode720.Seconds):F2} s vs {Stats.Median(copy.Seconds):F3} s)"), ratio >= 10));
        }

        report.AppendLine("| target | measured | |");
        report.AppendLine("|---|---|---|");
        foreach (var (target, measured, met) in verdicts)
            report.AppendLine(Line($"| {target} | {measured} | {(met == true ? "**met**" : "**missed**")} |"));
        report.AppendLine();
    }

    private static void Machine(ResultsDirectory results, StringBuilder report)
    {
        var notes = results.Machine();
        if (notes.Count == 0)
            return;
        report.AppendLine("How quiet the machine was: each step waited for a 1-minute load average under the threshold and no /tmp/pinhole-bench process; busy is the whole machine over the step (100% per core), other the CPU not ours while measuring, where known.");
        report.AppendLine();
        report.AppendLine("| step | waited s | quiet at start | load1 at start | step s | machine busy | other CPU |");
        report.AppendLine("|---|--:|---|--:|--:|--:|--:|");
        foreach (var note in notes)
        {
            var other = results.OtherPercent(note) is { } o ? Line($"{o:F0}%") : "–";
            report.AppendLine(Line($"| {note.Step} | {note.WaitedSeconds} | {(note.Quiet ? "yes" : "**no**")} ({note.Others}) | {note.Load1:F2} | {note.WallSeconds:F0} | {note.BusyPercent:F0}% | {other} |"));
        }
        report.AppendLine();
    }

    private static string Line(FormattableString text) => text.ToString(Inv);

    /// <summary>A step's times in seconds and its CPU per run, from either our own result or hyperfine's.</summary>
    private sealed record StepTiming(IReadOnlyList<double> Seconds, double CpuSeconds);

    private sealed class ResultsDirectory(string directory)
    {
        public T? Read<T>(string name)
            where T : class
        {
            var path = Path.Combine(directory, name + ".json");
            return File.Exists(path) ? ResultJson.Read<T>(path) : null;
        }

        /// <summary>hyperfine's result, or null when the step wrote none (or wrote something else under that name).</summary>
        public HyperfineResult? Hyperfine(string name) => Read<HyperfineExport>(name)?.Results is [var first, ..] ? first : null;

        public StepTiming? Timing(string name)
        {
            if (name.StartsWith("video-pinhole", StringComparison.Ordinal))
            {
                return Read<VideoTiming>(name) is { } video
                    ? new StepTiming(video.WallMs.Select(ms => ms / 1000).ToList(), Stats.Median(video.CpuSeconds))
                    : null;
            }
            return Hyperfine(name) is { } cli ? new StepTiming(cli.Times, cli.User + cli.System) : null;
        }

        public double MedianMs(string name) => Hyperfine(name) is { } cli ? Stats.Median(cli.Times) * 1000 : double.NaN;

        /// <summary>The median time of the tool on a 16-pixel photo: what starting it costs.</summary>
        public double? StartupMs(string tool) => Hyperfine($"idle-{tool}") is { } cli ? Stats.Median(cli.Times) * 1000 : null;

        public List<PhotoMemory> Memory() =>
            Directory.GetFiles(directory, "photo-pinhole-memory-*.json").Select(ResultJson.Read<PhotoMemory>).ToList();

        /// <summary>"Maximum resident set size (kbytes)" from /usr/bin/time -v; 0 when not measured.</summary>
        public long MaxRssKb(string name)
        {
            var path = Path.Combine(directory, name + ".time");
            if (!File.Exists(path))
                return 0;
            var line = File.ReadLines(path).FirstOrDefault(l => l.Contains("Maximum resident set size", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[(line.LastIndexOf(':') + 1)..].Trim(), Inv);
        }

        /// <summary>The bytes of the renditions a CLI tool wrote (its 2048-pixel intermediate left out).</summary>
        public long OutputBytes(string tool)
        {
            var output = Path.Combine(directory, "cli-out", tool);
            return Directory.Exists(output)
                ? Directory.GetFiles(output).Where(f => f.EndsWith(".jpg", StringComparison.Ordinal) || f.EndsWith(".webp", StringComparison.Ordinal)).Sum(f => new FileInfo(f).Length)
                : 0;
        }

        public List<MachineNote> Machine()
        {
            var path = Path.Combine(directory, "machine.jsonl");
            return File.Exists(path)
                ? File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize(l, ResultJson.Default.MachineNote)!).ToList()
                : [];
        }

        /// <summary>
        /// Everything but the step's own work: measured directly by the in-process steps; for hyperfine's, the
        /// machine's busy time less the commands' user + system time over all their runs (the warm-up and the
        /// /usr/bin/time run included).
        /// </summary>
        public double? OtherPercent(MachineNote note)
        {
            CpuShare? measured = note.Step switch
            {
                "photo-pinhole" or "poster-pinhole" => Read<PhotoTiming>(note.Step)?.Cpu,
                "photo-pinhole-throughput" => Read<PhotoThroughput>(note.Step)?.Cpu,
                _ when note.Step.StartsWith("video-pinhole-", StringComparison.Ordinal) => Read<VideoTiming>(note.Step)?.Cpu,
                _ => null,
            };
            if (measured is not null)
                return measured.OtherPercent;
            if (Hyperfine(note.Step) is { } cli && note.WallSeconds > 0)
                return Math.Max(0, note.BusyPercent - 100 * (cli.User + cli.System) * (cli.Times.Count + 2) / note.WallSeconds);
            return null;
        }
    }
}
