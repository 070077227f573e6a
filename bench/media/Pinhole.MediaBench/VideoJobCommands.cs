using System.Diagnostics;
using System.Text;
using Pinhole.Media;

namespace Pinhole.MediaBench;

/// <summary>The video pipeline measured in this process, and the exact tool commands it runs, recorded for replay.</summary>
internal static class VideoJobCommands
{
    public const string Usage =
        """
        video --input FILE --work DIR --out RESULT.json [--runs 5] [--warmup 1]
          Runs VideoProcessor.ProcessAsync on FILE --runs times, one at a time, as the server would (runner of 2 jobs,
          60-second limit); records each job's wall time and CPU time (this process and its ffmpeg and ffprobe). For a
          remuxed clip it also times, apart, the later job that makes its 360p (VideoProcessor.MakeLowAsync).

        video-capture --input FILE --work DIR --scripts DIR [--replay-input FILE]
          Runs the job once through wrappers that record each ffmpeg and ffprobe argument list, then writes them as
          shell scripts to run by hand: job.sh (every command, in order), encode.sh (the one that makes the
          renditions), poster.sh, and, derived from encode.sh, copy.sh (a remux's copy alone) or encode-720p.sh (a
          transcode of the 720p alone). --replay-input puts FILE in place of the upload in the scripts (the
          commands recorded for one file, run on another).
        """;

    public static async Task<int> TimeAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var input = line.RequiredText("input");
        var work = line.RequiredText("work");
        var output = line.RequiredText("out");
        var runs = line.Whole("runs", 5);
        var warmup = line.Whole("warmup", 1);
        line.RejectUnknown();

        using var runner = new FfmpegRunner(ServerRenditions.Runner());
        var processor = new VideoProcessor(runner);
        var wall = new List<double>(runs);
        var cpu = new List<double>(runs);
        var low = new List<double>(runs);
        ProcessedVideo? last = null;
        ProcMeter.Window? all = null;
        for (var i = -warmup; i < runs; i++)
        {
            if (i == 0)
                all = ProcMeter.Start();
            var outputDirectory = Fresh(Path.Combine(work, "job"));
            var job = ProcMeter.Start();
            var start = Stopwatch.GetTimestamp();
            last = await processor.ProcessAsync(input, outputDirectory, ServerRenditions.VideoJob(), cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            var used = job.Stop();
            if (i < 0)
                continue;
            wall.Add(elapsed);
            cpu.Add(used.OwnCpuSeconds);
            if (last.LowFollows is { } size)
            {
                var lowStart = Stopwatch.GetTimestamp();
                await processor.MakeLowAsync(last.Outputs[0].Path, Path.Combine(outputDirectory, "360p.mp4"), size, TimeSpan.FromMinutes(1), cancellationToken);
                low.Add(Stopwatch.GetElapsedTime(lowStart).TotalMilliseconds);
            }
        }
        if (last is null || all is null)
            throw new UsageException("--runs must be at least 1.");
        var share = all.Stop();

        var outputs = last.Outputs.Select(o => new VideoOutputSize(o.Name, o.Width, o.Height, o.Bytes, o.BitRate)).ToList();
        ResultJson.Write(output, new VideoTiming(input, Math.Round(last.Duration.TotalSeconds, 3), warmup, wall, cpu, last.Remuxed, outputs, share, low));
        Console.Error.WriteLine($"video: median {Stats.Median(wall):F0} ms ({Stats.Min(wall):F0}–{Stats.Max(wall):F0}) over {runs} jobs, remuxed: {last.Remuxed}");
        return 0;
    }

    public static async Task<int> CaptureAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var input = Path.GetFullPath(line.RequiredText("input"));
        var work = Path.GetFullPath(line.RequiredText("work"));
        var scripts = line.RequiredText("scripts");
        var replay = line.Text("replay-input") is { } r ? Path.GetFullPath(r) : null;
        line.RejectUnknown();

        var calls = Fresh(Path.Combine(work, "calls"));
        var wrappers = Fresh(Path.Combine(work, "bin"));
        var ffmpeg = Wrap(wrappers, "ffmpeg", calls);
        var ffprobe = Wrap(wrappers, "ffprobe", calls);
        using (var runner = new FfmpegRunner(ServerRenditions.Runner(ffmpeg, ffprobe)))
        {
            var processor = new VideoProcessor(runner);
            await processor.ProcessAsync(input, Fresh(Path.Combine(work, "out")), ServerRenditions.VideoJob(), cancellationToken);
        }

        // Named by the nanosecond they started; the job runs its tools one after another.
        var recorded = Directory.GetFiles(calls).Order(StringComparer.Ordinal).Select(file =>
        {
            var tool = file[(file.LastIndexOf('-') + 1)..];
            var arguments = File.ReadAllText(file).Split('\0', StringSplitOptions.None)[..^1]
                .Select(a => replay is not null && a == "file:" + input ? "file:" + replay : a)
                .ToList();
            return new ToolCall(Resolve(tool), arguments);
        }).ToList();

        Directory.CreateDirectory(scripts);
        var source = replay ?? input;
        WriteScript(Path.Combine(scripts, "job.sh"), $"every command VideoProcessor ran for {input}, in order", recorded);
        var encode = recorded.First(c => c.Program.EndsWith("/ffmpeg", StringComparison.Ordinal));
        WriteScript(Path.Combine(scripts, "encode.sh"), "the command that made the renditions", [encode]);
        var poster = recorded.Last(c => c.Program.EndsWith("/ffmpeg", StringComparison.Ordinal));
        WriteScript(Path.Combine(scripts, "poster.sh"), "the poster frame", [poster]);

        var firstOutput = encode.Arguments.FindIndex(a => a.EndsWith("/720p.mp4", StringComparison.Ordinal));
        var graph = encode.Arguments.IndexOf("-filter_complex");
        if (encode.Arguments.Contains("copy"))
        {
            WriteScript(
                Path.Combine(scripts, "copy.sh"),
                "derived from encode.sh: its arguments up to the first output, the 720p copied",
                [encode with { Arguments = encode.Arguments[..(firstOutput + 1)] }]);
        }
        else if (graph >= 0)
        {
            // FilterGraph for a single output: the first chain without its split, labelled [v0].
            var arguments = encode.Arguments[..(firstOutput + 1)];
            arguments[graph + 1] = arguments[graph + 1].Split(",split=")[0] + "[v0]";
            WriteScript(
                Path.Combine(scripts, "encode-720p.sh"),
                "derived from encode.sh: its arguments up to the first output, the 720p encoded; the 360p and the split left out",
                [encode with { Arguments = arguments }]);
        }
        Console.Error.WriteLine($"video-capture: {recorded.Count} commands for {source} in {scripts}");
        return 0;
    }

    private sealed record ToolCall(string Program, List<string> Arguments);

    private static void WriteScript(string path, string what, IReadOnlyList<ToolCall> calls)
    {
        var text = new StringBuilder("#!/bin/sh\n");
        text.Append("# ").Append(what).Append(".\n# Recorded by Pinhole.MediaBench video-capture.\nset -e\n");
        foreach (var call in calls)
            text.AppendJoin(' ', call.Arguments.Prepend(call.Program).Select(Quote)).Append('\n');
        File.WriteAllText(path, text.ToString());
    }

    /// <summary>A wrapper that records its arguments, NUL-separated, then becomes the real tool.</summary>
    private static string Wrap(string directory, string tool, string calls)
    {
        var path = Path.Combine(directory, tool);
        File.WriteAllText(path, $"""
            #!/bin/sh
            printf '%s\0' "$@" > {Quote(calls)}/"$(date +%s%N)-{tool}"
            exec {Quote(Resolve(tool))} "$@"

            """);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>The tool the runner would start by its bare name: the first on PATH.</summary>
    private static string Resolve(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, tool))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} is not on PATH");

    private static string Quote(string argument) => "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Fresh(string directory)
    {
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        Directory.CreateDirectory(directory);
        return directory;
    }
}
