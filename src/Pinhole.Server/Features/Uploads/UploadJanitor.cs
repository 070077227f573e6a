using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Uploads;

/// <summary>Every <c>Pinhole:Uploads:JanitorSeconds</c>: deletes expired uploads with their files, and idempotency keys over a day old.</summary>
public sealed partial class UploadJanitor(ResumableUploads uploads, IdempotencyKeys idempotency, Db db, TimeProvider time, IOptions<PinholeOptions> options, ILogger<UploadJanitor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromSeconds(options.Value.Uploads.JanitorSeconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e);
            }
            await Task.Delay(interval, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        await uploads.SweepAsync(cancellationToken);
        await idempotency.PurgeAsync(db, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sweeping expired uploads failed")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
