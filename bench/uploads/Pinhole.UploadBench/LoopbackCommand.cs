using System.Diagnostics;
using System.Globalization;

namespace Pinhole.UploadBench;

/// <summary>
/// Uploads a file over loopback with curl, the same client for every method so only the receiving end differs, while
/// <see cref="ProcWatch"/> watches the receiver. After each run it waits for the media to be processed (so the next
/// run does not share the cores with ffmpeg) and flushes the page cache's dirty pages (so it does not share the disk
/// with the previous run's write-back).
/// </summary>
internal static class LoopbackCommand
{
    public const string Usage =
        """
        loopback --method sink|tus|tus-chunks|v2 --url URL --pid PID --file PATH --label TEXT --out RESULTS.jsonl --work DIR
                 [--token-file PATH] [--runs 3] [--warmups 1] [--first-run 1] [--parallel 1] [--chunk-mb 8] [--media-timeout 900]
            sink: POST the file to a sink at URL (PID is the sink's). tus: create an upload, then one PATCH of the whole
            file. tus-chunks: PATCHes of --chunk-mb each, one curl, one connection. v2: POST /api/v2/media, multipart.
            --parallel N: N uploads at once, each its own curl. --first-run: the number the first measured run is
            recorded under (run.sh interleaves the methods, one run of each at a time).
        """;

    public static async Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var method = line.RequiredText("method");
        var url = new Uri(line.RequiredText("url"));
        var pid = line.Whole("pid", 0);
        var file = line.RequiredText("file");
        var label = line.RequiredText("label");
        var output = line.RequiredText("out");
        var work = line.RequiredText("work");
        var tokenFile = line.Text("token-file");
        var runs = line.Whole("runs", 3);
        var warmups = line.Whole("warmups", 1);
        var firstRun = line.Whole("first-run", 1);
        var parallel = line.Whole("parallel", 1);
        var chunkBytes = (long)(line.Real("chunk-mb", 8) * 1024 * 1024);
        var mediaTimeout = TimeSpan.FromSeconds(line.Whole("media-timeout", 900));
        line.RejectUnknown();
        if (method is not ("sink" or "tus" or "tus-chunks" or "v2"))
            throw new UsageException($"--method must be sink, tus, tus-chunks or v2, not '{method}'.");
        if (pid <= 0)
            throw new UsageException("--pid is required: the process that receives the uploads.");
        var token = tokenFile is null ? null : (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim();
        if (method != "sink" && token is null)
            throw new UsageException("--token-file is required for the server's endpoints.");

        Directory.CreateDirectory(work);
        var length = new FileInfo(file).Length;
        var upload = new Upload(method, url, file, length, chunkBytes, token, work);
        if (method == "tus-chunks")
            upload.Split();
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        for (var run = firstRun - warmups; run < firstRun + runs; run++)
        {
            var result = await RunOnceAsync(upload, http, pid, parallel, label, run, mediaTimeout, cancellationToken);
            if (run >= firstRun)
                ResultsFile.Append(output, result);
            else
                await Console.Error.WriteLineAsync($"[uploads] warm-up {label}: {result.Outcome}, {result.WallSeconds:0.000} s");
        }
        return 0;
    }

    private static async Task<LoopbackRun> RunOnceAsync(Upload upload, HttpClient http, int pid, int parallel, string label, int run,
        TimeSpan mediaTimeout, CancellationToken cancellationToken)
    {
        // Every run starts from the same disk: no dirty pages of the last one still being written back.
        await RunToEndAsync("sync", [], cancellationToken);
        var load1 = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

        var createStarted = Stopwatch.GetTimestamp();
        var targets = new List<Uri>();
        for (var i = 0; i < parallel; i++)
            targets.Add(await upload.TargetAsync(http, cancellationToken));
        var createSeconds = Stopwatch.GetElapsedTime(createStarted).TotalSeconds;

        var rssBefore = ProcWatch.ResidentKb(pid);
        var curls = targets.Select((target, i) => upload.CurlArguments(target, Path.Combine(upload.Work, $"run-{i}"))).ToList();
        using var watch = ProcWatch.Start(pid, upload.Length * parallel);
        var started = curls.Select(arguments => RunToEndAsync("/usr/bin/time", arguments, cancellationToken)).ToList();
        var outputs = await Task.WhenAll(started);
        var usage = watch.Stop();

        var statuses = new List<int>();
        var clientCpu = 0.0;
        var mediaIds = new List<string>();
        for (var i = 0; i < parallel; i++)
        {
            var folder = Path.Combine(upload.Work, $"run-{i}");
            // -w prints "status seconds" per transfer; /usr/bin/time -f "%U %S" wrote curl's CPU times.
            statuses.AddRange(outputs[i].Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => int.Parse(l.Split(' ')[0], CultureInfo.InvariantCulture)));
            clientCpu += (await File.ReadAllTextAsync(Path.Combine(folder, "time"), cancellationToken)).Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Sum();
            if (upload.MediaIdAfter(folder) is { } id)
                mediaIds.Add(id);
        }

        var outcome = statuses.All(s => s is >= 200 and < 300)
            ? "ok"
            : $"HTTP {string.Join(",", statuses.Distinct())}: {(await File.ReadAllTextAsync(Path.Combine(upload.Work, "run-0", "body"), cancellationToken)).Trim()}";
        double? processing = null;
        if (upload.Method != "sink" && outcome == "ok")
        {
            if (mediaIds.Count < parallel)
            {
                outcome = "no media id in the answer";
            }
            else
            {
                var waited = await Task.WhenAll(mediaIds.Select(id => PinholeApi.WaitForMediaAsync(http, upload.Url, upload.Token!, id, mediaTimeout, cancellationToken)));
                processing = waited.Max(w => w.Seconds);
                if (waited.FirstOrDefault(w => w.State != "ready") is { State: { } failed })
                    outcome = "media " + failed;
            }
        }
        var other = usage.MachineCpuSeconds - usage.CpuSeconds - usage.ChildCpuSeconds - clientCpu;
        return new LoopbackRun(label, upload.Method, run, parallel, upload.Length, upload.Method == "tus-chunks" ? upload.ChunkBytes : upload.Length, load1,
            Math.Round(createSeconds, 4), Math.Round(usage.WallSeconds, 4), usage.ReceivedAfterSeconds is { } r ? Math.Round(r, 4) : null,
            usage.CpuSeconds, usage.ChildCpuSeconds, Math.Round(clientCpu, 2), Math.Round(Math.Max(0, other), 2),
            rssBefore, usage.PeakRssKb, usage.BytesRead, usage.BytesWritten, usage.BytesStored,
            statuses, outcome, processing is { } p ? Math.Round(p, 2) : null);
    }

    /// <summary>Runs a program to its end; returns its standard output, or throws with its standard error.</summary>
    private static async Task<string> RunToEndAsync(string program, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }

    /// <summary>What one method sends where, and how its answer names the media.</summary>
    private sealed class Upload(string method, Uri url, string file, long length, long chunkBytes, string? token, string work)
    {
        public string Method => method;

        public Uri Url => url;

        public long Length => length;

        public long ChunkBytes => chunkBytes;

        public string? Token => token;

        public string Work => work;

        private int Chunks => (int)((length + chunkBytes - 1) / chunkBytes);

        private string ChunkPath(int i) => Path.Combine(work, $"chunk-{chunkBytes}-{i:D4}");

        /// <summary>
        /// curl sends a file, not a range of one: the chunks are written out once as files of their own (read back from
        /// the page cache, as the whole file is).
        /// </summary>
        public void Split()
        {
            using var source = File.OpenRead(file);
            var buffer = new byte[chunkBytes];
            for (var i = 0; i < Chunks; i++)
            {
                var read = source.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
                var path = ChunkPath(i);
                if (!File.Exists(path) || new FileInfo(path).Length != read)
                    File.WriteAllBytes(path, buffer.AsSpan(0, read));
            }
        }

        public async Task<Uri> TargetAsync(HttpClient http, CancellationToken cancellationToken) => method switch
        {
            "tus" or "tus-chunks" => await PinholeApi.CreateUploadAsync(http, url, token!, length, Path.GetFileName(file), cancellationToken),
            "v2" => new Uri(url, "/api/v2/media"),
            _ => new Uri(url, "/upload"),
        };

        /// <summary>/usr/bin/time around curl. The token goes in a header file, out of the process list.</summary>
        public List<string> CurlArguments(Uri target, string folder)
        {
            Directory.CreateDirectory(folder);
            foreach (var stale in Directory.EnumerateFiles(folder))
                File.Delete(stale);
            var arguments = new List<string> { "-f", "%U %S", "-o", Path.Combine(folder, "time"), "curl", "--silent", "--show-error", "--http1.1" };
            var headers = Path.Combine(folder, "headers");
            var lines = new List<string> { "Expect:" };
            if (token is not null)
                lines.Add($"Authorization: Bearer {token}");
            if (method is "tus" or "tus-chunks")
                lines.AddRange([$"Tus-Resumable: {PinholeApi.TusVersion}", "Content-Type: application/offset+octet-stream"]);
            File.WriteAllLines(headers, lines);
            File.SetUnixFileMode(headers, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            void Transfer(string answerHeaders, params string[] request)
            {
                arguments.AddRange(["-H", "@" + headers, "-D", answerHeaders, "-o", Path.Combine(folder, "body"), "-w", "%{http_code} %{time_total}\\n"]);
                arguments.AddRange(request);
                arguments.Add(target.ToString());
            }
            switch (method)
            {
                case "sink":
                    Transfer(Path.Combine(folder, "answer"), "-X", "POST", "-T", file);
                    break;
                case "tus":
                    Transfer(Path.Combine(folder, "answer"), "-X", "PATCH", "-H", "Upload-Offset: 0", "-T", file);
                    break;
                case "tus-chunks":
                    for (var i = 0; i < Chunks; i++)
                    {
                        if (i > 0)
                            arguments.Add("--next");
                        var offset = (i * chunkBytes).ToString(CultureInfo.InvariantCulture);
                        Transfer(Path.Combine(folder, $"answer-{i:D4}"), "-X", "PATCH", "-H", $"Upload-Offset: {offset}", "-T", ChunkPath(i));
                    }
                    break;
                case "v2":
                    Transfer(Path.Combine(folder, "answer"), "-F", $"file=@{file};type=video/mp4");
                    break;
            }
            return arguments;
        }

        /// <summary>The media the upload became: the last PATCH's Pinhole-Media-Id, or the v2 answer's id.</summary>
        public string? MediaIdAfter(string folder)
        {
            switch (method)
            {
                case "v2":
                    var body = Path.Combine(folder, "body");
                    return File.Exists(body) && File.ReadAllText(body).TrimStart().StartsWith('{') ? PinholeApi.MediaIdOf(File.ReadAllText(body)) : null;
                case "tus" or "tus-chunks":
                    var last = Directory.EnumerateFiles(folder, "answer*").Order(StringComparer.Ordinal).LastOrDefault();
                    return last is null ? null : File.ReadLines(last)
                        .Where(l => l.StartsWith(PinholeApi.MediaIdHeader + ":", StringComparison.OrdinalIgnoreCase))
                        .Select(l => l[(PinholeApi.MediaIdHeader.Length + 1)..].Trim()).FirstOrDefault();
                default:
                    return null;
            }
        }
    }
}
