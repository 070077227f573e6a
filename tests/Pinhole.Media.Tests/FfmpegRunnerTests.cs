using System.Diagnostics;
using System.Runtime.Versioning;
using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

/// <summary>
/// The runner on the real ffmpeg. Long-running jobs read an endless lavfi source at its native rate (-re), so they idle
/// instead of burning the cores; each carries a unique marker in its arguments, by which /proc shows whether it lives.
/// </summary>
public sealed class FfmpegRunnerTests : IDisposable
{
    private static readonly TimeSpan Plenty = TimeSpan.FromSeconds(30);

    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task ArgumentsWithSpacesQuotesAndShellCharactersReachFfmpegUnaltered()
    {
        using var runner = new FfmpegRunner();
        string path = directory.File("it's a \"quoted\" name; $(touch pwned) & more.png");

        await runner.RunFfmpegAsync(
            ["-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "color=red:size=16x16", "-frames:v", "1", path],
            Plenty, TestContext.Current.CancellationToken);

        Assert.True(File.Exists(path));
        Assert.False(File.Exists(directory.File("pwned")));
        Assert.False(File.Exists("pwned"));
    }

    [Fact]
    public async Task StdoutIsHandedBack()
    {
        using var runner = new FfmpegRunner();

        ToolRun run = await runner.RunFfprobeAsync(
            ["-v", "error", "-f", "lavfi", "-i", "color=red:size=16x16:duration=1", "-print_format", "json", "-show_streams"],
            Plenty, TestContext.Current.CancellationToken);

        Assert.Contains("\"codec_type\": \"video\"", run.Stdout, StringComparison.Ordinal);
        Assert.True(run.Elapsed > TimeSpan.Zero);
    }

    [Fact]
    public async Task AFailureCarriesTheLastLinesOfStderr()
    {
        using var runner = new FfmpegRunner();
        string missing = directory.File("missing.mp4");

        var error = await Assert.ThrowsAsync<FfmpegException>(() => runner.RunFfmpegAsync(
            ["-nostdin", "-hide_banner", "-i", missing, "-f", "null", "-"], Plenty, TestContext.Current.CancellationToken));

        Assert.NotEqual(0, error.ExitCode);
        Assert.Contains(error.StderrTail, line => line.Contains("No such file or directory", StringComparison.Ordinal));
        Assert.Contains("No such file or directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyTheConfiguredNumberOfStderrLinesIsKept()
    {
        using var runner = new FfmpegRunner(new FfmpegRunnerOptions { StderrTailLines = 2 });

        // Without -hide_banner ffmpeg writes a dozen banner lines before failing.
        var error = await Assert.ThrowsAsync<FfmpegException>(() => runner.RunFfmpegAsync(
            ["-nostdin", "-i", directory.File("missing.mp4")], Plenty, TestContext.Current.CancellationToken));

        Assert.Equal(2, error.StderrTail.Count);
        Assert.Contains("No such file or directory", error.StderrTail[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATimeoutKillsFfmpegAndLeavesNoProcessBehind()
    {
        using var runner = new FfmpegRunner();
        string marker = Marker();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<TimeoutException>(() => runner.RunFfmpegAsync(
            Endless(marker), TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10));
        Assert.Contains("did not finish within 0.5 s", error.Message, StringComparison.Ordinal);
        Assert.Empty(VideoInspection.ProcessesMentioning(marker));
        Assert.Equal(0, runner.RunningCount);
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task CancellingKillsTheWholeProcessTree()
    {
        // A wrapper that runs ffmpeg as its child (not exec'd), as a distribution's wrapper script or a nice/timeout
        // prefix would: killing only the direct child would leave ffmpeg running.
        string wrapper = directory.File("ffmpeg-wrapper.sh");
        File.WriteAllText(wrapper, "#!/bin/sh\n/usr/bin/ffmpeg \"$@\"\necho ffmpeg ended\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var runner = new FfmpegRunner(new FfmpegRunnerOptions { FfmpegPath = wrapper });
        string marker = Marker();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        Task<ToolRun> run = runner.RunFfmpegAsync(Endless(marker), Plenty, cancellation.Token);
        await UntilAsync(() => VideoInspection.ProcessesMentioning(marker).Count == 2); // the shell and ffmpeg
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Empty(VideoInspection.ProcessesMentioning(marker));
    }

    [Fact]
    public async Task DisposingTheRunnerKillsWhatItRuns()
    {
        var runner = new FfmpegRunner();
        string marker = Marker();
        Task<ToolRun> run = runner.RunFfmpegAsync(Endless(marker), Plenty, TestContext.Current.CancellationToken);
        await UntilAsync(() => runner.RunningCount == 1);

        runner.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => run);
        Assert.Empty(VideoInspection.ProcessesMentioning(marker));
        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => runner.RunFfmpegAsync(Endless(marker), Plenty, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task NoMoreJobsRunAtOnceThanTheCap()
    {
        using var runner = new FfmpegRunner(new FfmpegRunnerOptions { MaxConcurrentJobs = 2 });
        string marker = Marker();
        string[] shortJob = ["-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "color=size=16x16:rate=10:duration=0.4",
            "-metadata", "title=" + marker, "-f", "null", "-"];

        Task<ToolRun>[] jobs = Enumerable.Range(0, 5)
            .Select(_ => runner.RunFfmpegAsync(shortJob, Plenty, TestContext.Current.CancellationToken))
            .ToArray();
        int most = 0;
        while (!jobs.All(job => job.IsCompleted))
        {
            most = Math.Max(most, VideoInspection.ProcessesMentioning(marker).Count);
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        await Task.WhenAll(jobs);
        Assert.Equal(2, most);
    }

    [Fact]
    public async Task AMissingProgramIsAClearError()
    {
        using var runner = new FfmpegRunner(new FfmpegRunnerOptions { FfmpegPath = directory.File("no-ffmpeg-here") });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => runner.RunFfmpegAsync(["-version"], Plenty, TestContext.Current.CancellationToken));

        Assert.Contains("is it installed?", error.Message, StringComparison.Ordinal);
    }

    private static string Marker() => "pinhole-test-" + Guid.NewGuid().ToString("N");

    /// <summary>A job that never ends on its own, idling at 5 frames a second.</summary>
    private static string[] Endless(string marker) =>
        ["-nostdin", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "color=size=16x16:rate=5", "-metadata", "title=" + marker, "-f", "null", "-"];

    /// <summary>Waits for a condition on processes, which raise no event we could await.</summary>
    private static async Task UntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), "the condition never came true");
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
