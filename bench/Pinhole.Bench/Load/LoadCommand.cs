using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Pinhole.Bench.Load;

/// <summary><c>load</c>: drives one scenario against a running server and reports latency, throughput and cost.</summary>
public static class LoadCommand
{
    public const string Usage =
        $"""
        load --url http://127.0.0.1:PORT --scenario {Scenario.Names} (--rate 500 | --max)
             [--duration 30] [--warmup 5] [--tokens FILE] [--connections 64] [--workers 16] [--tag pyongyang]
             [--timeout 10] [--server-pid PID] [--db-pid PID] [--results FILE] [--label TEXT] [--quiet-wait 0] [--retries 0] [--busy-limit 25]
          --rate: open loop, requests due at that constant rate, latency counted from when each was due.
          --max: closed loop, --workers requests always in flight (the throughput ceiling).
          --server-pid: sample the server's CPU and memory (/proc) during the run; --db-pid: the PostgreSQL
            postmaster, whose CPU (with its backends') is counted apart.
          --results: append the run as a JSON line, for `report`.
          --quiet-wait: first wait up to that many seconds for the machine to be idle (other builds, tests).
          --retries: measure again, up to that many times, when other processes used more than --busy-limit
            percent of a core during the run.
        """;

    public static async Task<int> RunAsync(CommandLine args, CancellationToken cancellationToken)
    {
        var url = new Uri(args.RequiredText("url"));
        var scenarioName = args.RequiredText("scenario");
        var flatOut = args.Flag("max");
        var rate = args.Number("rate", 0);
        var duration = TimeSpan.FromSeconds(args.Number("duration", 30));
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 5));
        var users = Scenario.ReadUsers(args.Text("tokens"));
        var connections = args.Whole("connections", 64);
        var workers = args.Whole("workers", 16);
        var tag = args.Text("tag") ?? Dataset.Vocabulary.BenchmarkTag;
        var timeout = TimeSpan.FromSeconds(args.Number("timeout", 10));
        var serverPid = args.Text("server-pid") is { } pid ? int.Parse(pid, CultureInfo.InvariantCulture) : (int?)null;
        var databasePid = args.Text("db-pid") is { } dbPid ? int.Parse(dbPid, CultureInfo.InvariantCulture) : (int?)null;
        var resultsFile = args.Text("results");
        var label = args.Text("label");
        var quietWait = TimeSpan.FromSeconds(args.Number("quiet-wait", 0));
        var retries = args.Whole("retries", 0);
        var busyLimit = args.Number("busy-limit", 25);
        args.RejectUnknown();
        if (flatOut == rate > 0)
            throw new UsageException("Give exactly one of --rate N or --max.");
        if (connections < 1 || workers < 1)
            throw new UsageException("--connections and --workers must be positive.");

        var scenario = Scenario.Create(scenarioName, url, users, tag);
        using var handler = new SocketsHttpHandler
        {
            // The pool is bounded, as a real client fleet's connections are; requests beyond it wait for a free
            // connection, and in an open-loop run that wait is counted.
            MaxConnectionsPerServer = flatOut ? Math.Max(connections, workers) : connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            UseCookies = false,
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        using var client = new HttpClient(handler) { Timeout = timeout };
        var runner = new LoadRunner(client, scenario);

        HttpStatusCode probe;
        try
        {
            probe = await runner.ProbeAsync(cancellationToken);
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"{scenario.Description}: {e.Message}; is the server up?");
            return 1;
        }
        if ((int)probe is < 200 or > 299)
        {
            await Console.Error.WriteLineAsync($"{scenario.Description} answered {(int)probe} {probe} to a first request; are the tokens from this dataset?");
            return 1;
        }

        var what = flatOut
            ? string.Create(CultureInfo.InvariantCulture, $"max throughput, {workers} workers")
            : string.Create(CultureInfo.InvariantCulture, $"{rate:0.#} req/s, {connections} connections");
        TimeSpan elapsed;
        ResourceUse resources;
        IReadOnlyList<long> ownHiccups;
        var attempt = 0;
        while (true)
        {
            attempt++;
            if (quietWait > TimeSpan.Zero)
            {
                var busy = await ProcessSampler.WaitForQuietAsync(15, quietWait, cancellationToken);
                if (busy >= 15)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[load] WARNING: the machine is still busy ({busy:F0}% of a core) after waiting {quietWait.TotalSeconds:0} s."));
            }
            Console.WriteLine($"[load] {scenario.Description}: {what}, {warmup.TotalSeconds:0.#} s warm-up + {duration.TotalSeconds:0.#} s");
            if (warmup > TimeSpan.Zero)
                await Drive(runner, flatOut, rate, workers, warmup, cancellationToken);

            runner.StartRecording();
            using var hiccups = new HiccupMeter();
            await using (var sampler = new ProcessSampler(serverPid, databasePid))
            {
                elapsed = await Drive(runner, flatOut, rate, workers, duration, cancellationToken);
                resources = sampler.Stop();
            }
            ownHiccups = hiccups.WorstPerSecond(duration);
            if (resources.OtherCpuPercent <= busyLimit || attempt > retries)
                break;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[load] other processes used {resources.OtherCpuPercent:F0}% of a core during the run (limit {busyLimit:F0}%); measuring again"));
        }

        var result = new RunResult
        {
            Label = label ?? $"{scenario.Name} {(flatOut ? "max" : string.Create(CultureInfo.InvariantCulture, $"@{rate:0.#}/s"))}",
            Scenario = scenario.Name,
            Request = scenario.Description,
            Mode = flatOut ? "max" : "rate",
            TargetRate = flatOut ? null : rate,
            Workers = flatOut ? workers : null,
            Connections = connections,
            Seconds = Math.Round(elapsed.TotalSeconds, 2),
            Requests = runner.Latency.Count,
            Ok = runner.Ok,
            Errors = runner.Errors.ToDictionary(),
            Throughput = Math.Round(runner.Ok / elapsed.TotalSeconds, 1),
            Latency = Percentiles.Of(runner.Latency),
            Service = Percentiles.Of(runner.Service),
            SendLag = Percentiles.Of(runner.Lag),
            WorstPerSecond = runner.WorstPerSecond(duration).Select(us => Math.Round(us / 1000.0, 1)).ToArray(),
            LoadGeneratorHiccups = ownHiccups.Select(us => Math.Round(us / 1000.0, 1)).ToArray(),
            MeanResponseBytes = runner.Latency.Count == 0 ? 0 : Math.Round((double)runner.Bytes / runner.Latency.Count),
            Resources = resources,
            Attempts = attempt,
        };
        Print(result);
        if (resultsFile is not null)
            await File.AppendAllTextAsync(resultsFile, JsonSerializer.Serialize(result, ResultJson.Default.RunResult) + "\n", cancellationToken);
        return 0;
    }

    private static Task<TimeSpan> Drive(LoadRunner runner, bool flatOut, double rate, int workers, TimeSpan duration, CancellationToken cancellationToken) =>
        flatOut ? runner.RunFlatOutAsync(workers, duration, cancellationToken) : runner.RunAtRateAsync(rate, duration, cancellationToken);

    private static void Print(RunResult r)
    {
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(inv, $"[load] {r.Requests:N0} requests in {r.Seconds:F1} s: {r.Throughput:N1} ok/s, {r.MeanResponseBytes:N0} bytes per response"));
        Console.WriteLine(string.Create(inv, $"[load] latency ms   p50 {r.Latency.P50}  p90 {r.Latency.P90}  p99 {r.Latency.P99}  p99.9 {r.Latency.P999}  max {r.Latency.Max}  mean {r.Latency.Mean}"));
        if (r.Mode == "rate")
        {
            Console.WriteLine(string.Create(inv, $"[load] service ms   p50 {r.Service.P50}  p99 {r.Service.P99}  (from the actual send); send lag p99 {r.SendLag.P99} ms"));
        }
        var stalls = r.WorstPerSecond.Select((ms, second) => (ms, second)).Where(x => x.ms > 50).ToList();
        Console.WriteLine(stalls.Count == 0
            ? "[load] no second had a request over 50 ms"
            : string.Create(inv, $"[load] seconds with a request over 50 ms: {stalls.Count} of {r.WorstPerSecond.Count} ({string.Join(", ", stalls.Take(12).Select(x => string.Create(inv, $"s{x.second}: {x.ms:0}")))}{(stalls.Count > 12 ? ", …" : "")})"));
        Console.WriteLine(string.Create(inv, $"[load] the load generator's own worst stall (5 ms sleeps overslept): {r.LoadGeneratorHiccups.DefaultIfEmpty(0).Max():0.#} ms"));
        var errors = r.Errors.Count == 0 ? "none" : string.Join(", ", r.Errors.OrderByDescending(e => e.Value).Select(e => $"{e.Key}: {e.Value}"));
        Console.WriteLine($"[load] errors: {errors}");
        var res = r.Resources;
        Console.WriteLine(string.Create(inv,
            $"[load] CPU (100% = one core of {Environment.ProcessorCount}): server {res.ServerCpuPercent?.ToString("F0", inv) ?? "?"}%{(res.DatabaseCpuPercent is { } db ? string.Create(inv, $", PostgreSQL {db:F0}%") : "")}, load generator {res.LoadGeneratorCpuPercent:F0}%, everything else {res.OtherCpuPercent:F0}%"));
        if (res.ServerRssKb is not null)
            Console.WriteLine(string.Create(inv, $"[load] server memory: RSS {res.ServerRssKb / 1024} MB at the end, {res.ServerPeakRssKb / 1024} MB peak during the run, VmHWM {res.ServerVmHwmKb / 1024} MB"));
    }
}
