using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace Pinhole.Bench.Load;

/// <summary>
/// Sends a scenario's requests and records how long each took. Two ways to drive it:
/// <list type="bullet">
/// <item><b>open loop</b> (<see cref="RunAtRateAsync"/>): request i is due at start + i / rate whatever happened to
/// earlier ones, and its latency is counted from when it was due, not from when it could be sent. A server that
/// stalls therefore shows the queue it built, instead of the load generator politely waiting (coordinated omission);</item>
/// <item><b>closed loop</b> (<see cref="RunFlatOutAsync"/>): N workers, each sending its next request as soon as the
/// last one is answered: the throughput ceiling, with latencies at that load.</item>
/// </list>
/// </summary>
public sealed partial class LoadRunner(HttpClient client, Scenario scenario)
{
    private LatencyHistogram _latency = new();
    private LatencyHistogram _service = new();
    private LatencyHistogram _lag = new();
    private ConcurrentDictionary<string, long> _errors = new(StringComparer.Ordinal);
    private long _ok;
    private long _bytes;
    private bool _recording;
    private long _recordingSince;
    private long[] _worstPerSecond = new long[3600];

    public LatencyHistogram Latency => _latency;

    public LatencyHistogram Service => _service;

    public LatencyHistogram Lag => _lag;

    public IReadOnlyDictionary<string, long> Errors => _errors;

    public long Ok => Interlocked.Read(ref _ok);

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Forgets everything recorded so far (after a warm-up) and records from now on.</summary>
    public void StartRecording()
    {
        _latency = new LatencyHistogram();
        _service = new LatencyHistogram();
        _lag = new LatencyHistogram();
        _errors = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        _ok = 0;
        _bytes = 0;
        _worstPerSecond = new long[_worstPerSecond.Length];
        _recordingSince = Stopwatch.GetTimestamp();
        _recording = true;
    }

    /// <summary>
    /// The worst latency (µs) of the requests due in each second of the run: a latency tail made of a few
    /// stalls (every request in a few hundred milliseconds late) looks different here from one spread evenly.
    /// </summary>
    public IReadOnlyList<long> WorstPerSecond(TimeSpan duration) =>
        _worstPerSecond.Take((int)Math.Min(_worstPerSecond.Length, Math.Ceiling(duration.TotalSeconds))).ToArray();

    /// <summary>Sends one request and returns its status code, or throws: a check that the scenario works at all.</summary>
    public async Task<HttpStatusCode> ProbeAsync(CancellationToken cancellationToken)
    {
        using var request = scenario.NewRequest();
        using var response = await client.SendAsync(request, cancellationToken);
        return response.StatusCode;
    }

    /// <summary>Open loop: requests due at a constant rate for the given time; returns when the last one is answered.</summary>
    public async Task<TimeSpan> RunAtRateAsync(double rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var total = (long)Math.Round(rate * duration.TotalSeconds);
        var interval = Stopwatch.Frequency / rate;
        var started = new List<Task>((int)Math.Min(total, 10_000_000));
        var paced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = Stopwatch.GetTimestamp();
        // A thread of its own, so the schedule never waits for a thread-pool thread (which the responses need).
        var pacer = new Thread(() =>
        {
            try
            {
                for (long i = 0; i < total && !cancellationToken.IsCancellationRequested; i++)
                {
                    var due = start + (long)(i * interval);
                    SleepUntil(due);
                    started.Add(SendAsync(due));
                }
            }
            finally
            {
                paced.SetResult();
            }
        })
        { IsBackground = true, Name = "pacer" };
        pacer.Start();
        await paced.Task;
        await Task.WhenAll(started);
        return Stopwatch.GetElapsedTime(start);
    }

    /// <summary>Closed loop: <paramref name="workers"/> requests always in flight, for the given time.</summary>
    public async Task<TimeSpan> RunFlatOutAsync(int workers, TimeSpan duration, CancellationToken cancellationToken)
    {
        var start = Stopwatch.GetTimestamp();
        var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested)
                await SendAsync(Stopwatch.GetTimestamp());
        }, cancellationToken)));
        return Stopwatch.GetElapsedTime(start);
    }

    private async Task SendAsync(long due)
    {
        var sent = Stopwatch.GetTimestamp();
        string? error = null;
        long bytes = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            using var request = scenario.NewRequest();
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var body = await response.Content.ReadAsStreamAsync();
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0)
                bytes += read;
            if (!response.IsSuccessStatusCode)
                error = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        }
        catch (TaskCanceledException)
        {
            error = "timeout";
        }
        catch (HttpRequestException e)
        {
            error = e.HttpRequestError.ToString();
        }
        catch (IOException e)
        {
            error = e.GetType().Name;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var done = Stopwatch.GetTimestamp();
        if (!_recording)
            return;
        var latency = Microseconds(done - due);
        _latency.Record(latency);
        var second = (due - _recordingSince) / Stopwatch.Frequency;
        if (second >= 0 && second < _worstPerSecond.Length)
        {
            ref var worst = ref _worstPerSecond[second];
            var seen = Interlocked.Read(ref worst);
            while (latency > seen && Interlocked.CompareExchange(ref worst, latency, seen) != seen)
                seen = Interlocked.Read(ref worst);
        }
        _service.Record(Microseconds(done - sent));
        _lag.Record(Microseconds(sent - due));
        Interlocked.Add(ref _bytes, bytes);
        if (error is null)
            Interlocked.Increment(ref _ok);
        else
            _errors.AddOrUpdate(error, 1, (_, n) => n + 1);
    }

    private static long Microseconds(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;

    // Thread.Sleep rounds to whole milliseconds, which would make every request up to a millisecond late at
    // 500/s; usleep wakes within about 60 µs on Linux, and no core is burnt spinning.
    private static void SleepUntil(long due)
    {
        long remaining;
        while ((remaining = Microseconds(due - Stopwatch.GetTimestamp())) > 50)
            _ = usleep((uint)Math.Min(remaining - 20, 100_000));
    }

    [DllImport("libc", SetLastError = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int usleep(uint microseconds);
}
