using System.Diagnostics;
using Pinhole.Media;

namespace Pinhole.MediaBench;

/// <summary>The photo pipeline measured in this process, the way the server calls it.</summary>
internal static class PhotoCommands
{
    public const string Usage =
        """
        photo --input FILE --out RESULT.json [--runs 20] [--warmup 5] [--specs server|poster] [--webp-effort 4]
              [--original-max-edge 2048] [--save DIR]
          Processes the photo --runs times, one at a time, after --warmup unmeasured runs; records each run's wall and
          CPU time. --specs server: the server's renditions of an upload (server-jpeg, server-webp: only those in
          that format); poster: a video poster's JPEG and WebP.
          --original-max-edge: the server's Pinhole:Media:OriginalMaxEdge. --save writes the last run's renditions
          there, to compare with other tools' output.

        photo-memory --input FILE --warmup-input SMALL --out RESULT.json
          Warms up on SMALL (JIT, libvips start-up), then records the resident set, resets the peak, processes FILE
          once and records the peak: what one photo in flight adds to a process that is already running.

        photo-throughput --input FILE --out RESULT.json [--in-flight 2] [--seconds 30] [--warmup 5] --warmup-input SMALL
              [--webp-effort 4] [--original-max-edge 2048]
          --in-flight threads process FILE again and again; photos finished in --seconds after --warmup seconds.
        """;

    public static int Time(CommandLine line)
    {
        var input = line.RequiredText("input");
        var output = line.RequiredText("out");
        var runs = line.Whole("runs", 20);
        var warmup = line.Whole("warmup", 5);
        var specsName = line.Text("specs") ?? "server";
        var effort = line.Whole("webp-effort", PhotoProcessor.DefaultWebPEffort);
        var originalMaxEdge = line.Whole("original-max-edge", ServerRenditions.OriginalMaxEdge);
        var save = line.Text("save");
        line.RejectUnknown();

        var processor = new PhotoProcessor(ServerRenditions.MaxImagePixels, effort);
        var specs = Specs(processor, input, specsName, originalMaxEdge);
        PhotoResult? result = null;
        for (var i = 0; i < warmup; i++)
            result = processor.Process(input, specs, PhotoEdits.None, CancellationToken.None);

        var wall = new List<double>(runs);
        var cpu = new List<double>(runs);
        var window = ProcMeter.Start();
        for (var i = 0; i < runs; i++)
        {
            var cpuBefore = Environment.CpuUsage.TotalTime;
            var start = Stopwatch.GetTimestamp();
            result = processor.Process(input, specs, PhotoEdits.None, CancellationToken.None);
            wall.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            cpu.Add((Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds);
        }
        var share = window.Stop();
        if (result is null)
            throw new UsageException("--runs and --warmup are both 0: nothing was processed.");

        if (save is not null)
        {
            Directory.CreateDirectory(save);
            foreach (var rendition in result.Renditions)
                File.WriteAllBytes(Path.Combine(save, FileName(rendition)), rendition.Bytes);
        }
        var sizes = result.Renditions
            .Select(r => new RenditionSize(r.Name, r.Format.ToString(), r.Width, r.Height, r.Bytes.Length))
            .ToList();
        ResultJson.Write(output, new PhotoTiming(input, specsName, effort, originalMaxEdge, warmup, wall, cpu, sizes, result.BlurHash, share));
        Console.Error.WriteLine($"photo: median {Stats.Median(wall):F0} ms ({Stats.Min(wall):F0}–{Stats.Max(wall):F0}) over {runs} runs, {sizes.Count} renditions");
        return 0;
    }

    public static int Memory(CommandLine line)
    {
        var input = line.RequiredText("input");
        var small = line.RequiredText("warmup-input");
        var output = line.RequiredText("out");
        line.RejectUnknown();

        var processor = new PhotoProcessor(ServerRenditions.MaxImagePixels);
        var baseline = WarmUp(processor, small);
        ProcMeter.ResetPeak();
        processor.Process(input, Specs(processor, input, "server"), PhotoEdits.None, CancellationToken.None);
        var peak = ProcMeter.PeakResidentKb();
        ResultJson.Write(output, new PhotoMemory(input, baseline, peak));
        Console.Error.WriteLine($"photo-memory: baseline {baseline / 1024} MB, peak {peak / 1024} MB, +{(peak - baseline) / 1024} MB");
        return 0;
    }

    public static int Throughput(CommandLine line)
    {
        var input = line.RequiredText("input");
        var small = line.RequiredText("warmup-input");
        var output = line.RequiredText("out");
        var inFlight = line.Whole("in-flight", 2);
        var seconds = line.Whole("seconds", 30);
        var warmupSeconds = line.Whole("warmup", 5);
        var effort = line.Whole("webp-effort", PhotoProcessor.DefaultWebPEffort);
        var originalMaxEdge = line.Whole("original-max-edge", ServerRenditions.OriginalMaxEdge);
        line.RejectUnknown();

        var processor = new PhotoProcessor(ServerRenditions.MaxImagePixels, effort);
        var baseline = WarmUp(processor, small);
        ProcMeter.ResetPeak();
        var specs = Specs(processor, input, "server", originalMaxEdge);
        var origin = Stopwatch.GetTimestamp();
        var measureFrom = TimeSpan.FromSeconds(warmupSeconds);
        var measureTo = measureFrom + TimeSpan.FromSeconds(seconds);
        var finished = new List<(TimeSpan Start, TimeSpan End)>();

        // Dedicated threads, as many as the photos in flight: the server's PhotoPipeline runs each on the thread pool
        // behind a gate of one per core, which comes to the same while nothing else runs.
        var threads = Enumerable.Range(0, inFlight).Select(_ => new Thread(() =>
        {
            while (true)
            {
                var start = Stopwatch.GetElapsedTime(origin);
                if (start >= measureTo)
                    return;
                processor.Process(input, specs, PhotoEdits.None, CancellationToken.None);
                var end = Stopwatch.GetElapsedTime(origin);
                lock (finished)
                    finished.Add((start, end));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        Thread.Sleep(measureFrom);
        var window = ProcMeter.Start();
        var remaining = measureTo - Stopwatch.GetElapsedTime(origin);
        if (remaining > TimeSpan.Zero)
            Thread.Sleep(remaining);
        var share = window.Stop();
        threads.ForEach(t => t.Join());
        var peak = ProcMeter.PeakResidentKb();

        var counted = finished.Where(f => f.End > measureFrom && f.End <= measureTo).ToList();
        var rate = counted.Count / share.WallSeconds;
        var latencies = counted.Select(f => (f.End - f.Start).TotalMilliseconds).ToList();
        ResultJson.Write(output, new PhotoThroughput(input, effort, originalMaxEdge, inFlight, warmupSeconds, share.WallSeconds, counted.Count, Math.Round(rate, 3), latencies, baseline, peak, share));
        Console.Error.WriteLine($"photo-throughput: {inFlight} in flight, {rate:F2} photos/s, CPU {share.OwnPercent:F0}% (others {share.OtherPercent:F0}%), peak +{(peak - baseline) / 1024} MB");
        return 0;
    }

    /// <summary>JIT, libvips' start-up and its thread pool, on a small photo; returns the resident set afterwards.</summary>
    private static long WarmUp(PhotoProcessor processor, string small)
    {
        var specs = Specs(processor, small, "server");
        for (var i = 0; i < 5; i++)
            processor.Process(small, specs, PhotoEdits.None, CancellationToken.None);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return ProcMeter.ResidentKb();
    }

    private static IReadOnlyList<RenditionSpec> Specs(
        PhotoProcessor processor, string input, string name, int originalMaxEdge = ServerRenditions.OriginalMaxEdge)
    {
        var header = processor.ReadHeader(input);
        return name switch
        {
            "server" => ServerRenditions.Photo(header, originalMaxEdge),
            "server-jpeg" => ServerRenditions.Photo(header, originalMaxEdge).Where(s => s.Format == OutputFormat.Jpeg).ToList(),
            "server-webp" => ServerRenditions.Photo(header, originalMaxEdge).Where(s => s.Format == OutputFormat.WebP).ToList(),
            "poster" => ServerRenditions.Poster(Math.Max(header.Width, header.Height)),
            _ => throw new UsageException($"--specs is server, server-jpeg, server-webp or poster, not '{name}'."),
        };
    }

    private static string FileName(Rendition rendition) =>
        rendition.Name + (rendition.Format == OutputFormat.Jpeg ? ".jpg" : ".webp");
}
