using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Pinhole.Media;

/// <summary>How <see cref="FfmpegRunner"/> finds and paces the tools.</summary>
public sealed record FfmpegRunnerOptions
{
    public string FfmpegPath { get; init; } = "ffmpeg";

    public string FfprobePath { get; init; } = "ffprobe";

    /// <summary>How many ffmpeg/ffprobe processes may run at once; more jobs wait their turn. One per core by default.</summary>
    public int MaxConcurrentJobs { get; init; } = Environment.ProcessorCount;

    /// <summary>How many of stderr's last lines are kept for the failure reason.</summary>
    public int StderrTailLines { get; init; } = 12;

    /// <summary>The most stdout kept (ffprobe's JSON); a process that writes more is killed.</summary>
    public int MaxStdoutChars { get; init; } = 4 * 1024 * 1024;
}

/// <summary>What a finished tool run gave back.</summary>
/// <param name="StderrTail">The last lines ffmpeg wrote to stderr (warnings, with the log level the caller chose).</param>
/// <param name="PeakMemoryBytes">The process's peak resident memory (VmHWM), sampled while it ran; 0 when unknown.</param>
public sealed record ToolRun(string Stdout, IReadOnlyList<string> StderrTail, TimeSpan Elapsed, long PeakMemoryBytes);

/// <summary>ffmpeg or ffprobe exited with an error; <see cref="StderrTail"/> holds its last words.</summary>
public sealed class FfmpegException : Exception
{
    public FfmpegException()
    {
    }

    public FfmpegException(string message)
        : base(message)
    {
    }

    public FfmpegException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FfmpegException(string tool, int exitCode, IReadOnlyList<string> stderrTail)
        : base(string.Create(CultureInfo.InvariantCulture, $"{tool} exited with code {exitCode}: {string.Join(" | ", stderrTail)}"))
    {
        ArgumentNullException.ThrowIfNull(stderrTail);
        ExitCode = exitCode;
        StderrTail = stderrTail;
    }

    public int ExitCode { get; }

    /// <summary>stderr's last lines, oldest first.</summary>
    public IReadOnlyList<string> StderrTail { get; } = [];
}

/// <summary>
/// Starts ffmpeg and ffprobe: arguments passed one by one (never a quoted command line), stdout and stderr read at the
/// same time (so neither pipe can fill and stall the tool), a per-job timeout, a cap on jobs at once, and on timeout,
/// cancellation or disposal the whole process tree killed and waited for, so nothing is left behind.
/// </summary>
public sealed class FfmpegRunner : IDisposable
{
    private readonly FfmpegRunnerOptions options;
    private readonly ConcurrentDictionary<Process, byte> running = new();

    // Neither is disposed with the runner: a job still unwinding may touch them after Dispose, and neither holds an
    // unmanaged resource (no wait handle is ever asked of the semaphore, and the token source has no timer).
    private readonly SemaphoreSlim gate;
    private readonly CancellationTokenSource disposing = new();

    public FfmpegRunner(FfmpegRunnerOptions? options = null)
    {
        this.options = options ?? new FfmpegRunnerOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(this.options.MaxConcurrentJobs, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(this.options.StderrTailLines, nameof(options));
        gate = new SemaphoreSlim(this.options.MaxConcurrentJobs, this.options.MaxConcurrentJobs);
    }

    /// <summary>How many tool processes are running now.</summary>
    public int RunningCount => running.Count;

    /// <summary>
    /// Runs ffmpeg once its turn comes under the cap on jobs at once; <paramref name="timeout"/> counts from the start of
    /// the process, not from the wait for a turn.
    /// </summary>
    /// <exception cref="FfmpegException">ffmpeg exited with an error.</exception>
    /// <exception cref="TimeoutException">It ran longer than <paramref name="timeout"/> and was killed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the process was killed.</exception>
    /// <exception cref="ObjectDisposedException">The runner was disposed (shutdown); the process was killed.</exception>
    public Task<ToolRun> RunFfmpegAsync(IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(options.FfmpegPath, arguments, timeout, cancellationToken);

    /// <inheritdoc cref="RunFfmpegAsync"/>
    public Task<ToolRun> RunFfprobeAsync(IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken) =>
        RunAsync(options.FfprobePath, arguments, timeout, cancellationToken);

    /// <summary>Kills every running process (and its children) and waits for them to exit; later runs are refused.</summary>
    public void Dispose()
    {
        if (disposing.IsCancellationRequested)
        {
            return;
        }

        // Jobs waiting for a turn, and any process started from now on, see this token and stop.
        disposing.Cancel();
        foreach (Process process in running.Keys)
        {
            KillAndWait(process);
        }
    }

    private async Task<ToolRun> RunAsync(
        string program, IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ObjectDisposedException.ThrowIf(disposing.IsCancellationRequested, this);
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using (var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposing.Token))
        {
            try
            {
                await gate.WaitAsync(waiting.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(disposing.IsCancellationRequested, this);
                throw;
            }
        }

        try
        {
            return await RunStartedAsync(start, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<ToolRun> RunStartedAsync(ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string tool = Path.GetFileName(start.FileName);
        using var timeoutSource = new CancellationTokenSource(timeout);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, disposing.Token, timeoutSource.Token);
        using var process = new Process { StartInfo = start };
        var clock = Stopwatch.StartNew();
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"could not start {start.FileName}; is it installed?", e);
        }

        running[process] = 0;
        try
        {
            process.StandardInput.Close(); // ffmpeg must never wait for a keypress
            var stdout = new CappedText(options.MaxStdoutChars);
            var stderr = new TailLines(options.StderrTailLines);
            Task readOut = stdout.ReadAsync(process.StandardOutput);
            Task readErr = stderr.ReadAsync(process.StandardError);
            using var sampling = new CancellationTokenSource();
            Task<long> peak = SamplePeakMemoryAsync(process.Id, sampling.Token);
            try
            {
                await process.WaitForExitAsync(stop.Token).ConfigureAwait(false);
                await Task.WhenAll(readOut, readErr).WaitAsync(stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                KillAndWait(process);
                await DrainAsync(readOut, readErr).ConfigureAwait(false);
                cancellationToken.ThrowIfCancellationRequested();
                ObjectDisposedException.ThrowIf(disposing.IsCancellationRequested, this);
                throw new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{tool} did not finish within {timeout.TotalSeconds:0.#} s and was killed: {string.Join(" | ", stderr.Lines())}"));
            }
            finally
            {
                await sampling.CancelAsync().ConfigureAwait(false);
            }

            clock.Stop();
            if (stdout.Overflowed)
            {
                throw new FfmpegException(tool, process.ExitCode, [$"more than {options.MaxStdoutChars} characters of output"]);
            }

            if (process.ExitCode != 0)
            {
                throw new FfmpegException(tool, process.ExitCode, stderr.Lines());
            }

            return new ToolRun(stdout.ToString(), stderr.Lines(), clock.Elapsed, await peak.ConfigureAwait(false));
        }
        finally
        {
            running.TryRemove(process, out _);
        }
    }

    private static void KillAndWait(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exiting as we asked; WaitForExit below settles it.
        }

        try
        {
            process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// Lets the readers take what the killed process wrote, for the failure reason, but only for a moment: a descendant
    /// that escaped the kill (one that moved to its own session) could hold the pipes open forever.
    /// </summary>
    private static async Task DrainAsync(Task readOut, Task readErr)
    {
        try
        {
            await Task.WhenAll(readOut, readErr).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Reads VmHWM (the peak resident set) from /proc while the process runs; Linux only, else 0.</summary>
    private static async Task<long> SamplePeakMemoryAsync(int pid, CancellationToken stop)
    {
        string status = $"/proc/{pid}/status";
        long peak = 0;
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }

        while (true)
        {
            try
            {
                foreach (string line in await File.ReadAllLinesAsync(status, CancellationToken.None).ConfigureAwait(false))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        string kilobytes = line["VmHWM:".Length..].Trim().Split(' ')[0];
                        peak = Math.Max(peak, long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024);
                    }
                }
            }
            catch (IOException)
            {
                return peak; // gone
            }
            catch (UnauthorizedAccessException)
            {
                return peak;
            }

            try
            {
                await Task.Delay(50, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return peak;
            }
        }
    }

    /// <summary>Keeps up to a number of characters; past that, keeps reading (so the pipe never blocks) but drops them.</summary>
    private sealed class CappedText(int limit)
    {
        private readonly StringBuilder text = new();

        public bool Overflowed { get; private set; }

        public async Task ReadAsync(StreamReader reader)
        {
            var buffer = new char[16 * 1024];
            int read;
            while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                if (text.Length + read > limit)
                {
                    Overflowed = true;
                    continue;
                }

                text.Append(buffer, 0, read);
            }
        }

        public override string ToString() => text.ToString();
    }

    /// <summary>The last lines of a stream.</summary>
    private sealed class TailLines(int count)
    {
        private const int MaxLineLength = 500;
        private readonly Queue<string> lines = new();

        public async Task ReadAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                lock (lines)
                {
                    lines.Enqueue(line.Length > MaxLineLength ? line[..MaxLineLength] : line);
                    if (lines.Count > count)
                    {
                        lines.Dequeue();
                    }
                }
            }
        }

        public IReadOnlyList<string> Lines()
        {
            lock (lines)
            {
                return [.. lines];
            }
        }
    }
}
