using Microsoft.Extensions.Options;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// Processes queued media in the server process: <c>Pinhole:Media:Workers</c> loops, each leasing the next job,
/// woken by uploads and polling every few seconds for jobs left by other nodes or by a crash. On start it releases
/// the leases this node held before it stopped, so an interrupted job resumes at once.
/// </summary>
public sealed partial class MediaWorker(MediaJobs jobs, MediaProcessing processing, MediaSignal signal, IOptions<PinholeOptions> options, ILogger<MediaWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var released = await jobs.ReleaseOwnLeasesAsync(stoppingToken);
        if (released > 0)
            LogResumed(logger, released);
        await Task.WhenAll(Enumerable.Range(0, options.Value.Media.Workers).Select(_ => RunAsync(stoppingToken)));
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await jobs.ClaimNextAsync(stoppingToken) is { } job)
                    await processing.RunAsync(job, stoppingToken);
                else
                    await signal.WaitAsync(Poll, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Shutting down: the lease stays, and this node releases it when it starts again.
            }
            catch (Exception e)
            {
                // A worker never dies: the failure was recorded against its job; wait a moment and carry on.
                LogLoopFailed(logger, e);
                await Task.Delay(Poll, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming {Count} media jobs interrupted by the last stop")]
    private static partial void LogResumed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Media worker loop failed")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
