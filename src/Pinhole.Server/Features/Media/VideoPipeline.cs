using Microsoft.Extensions.Options;
using Pinhole.Media;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// ffmpeg and ffprobe for the server: at most <c>Pinhole:Media:VideoJobs</c> tools at once (one per core by
/// default), each killed after <c>VideoTimeoutSeconds</c>, and every running tool killed with the server.
/// </summary>
public sealed class VideoPipeline : IDisposable
{
    // Probing reads only the container's header; a file that takes longer than this to describe is not a video we want.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(20);

    private readonly FfmpegRunner _runner;
    private readonly VideoProcessor _processor;
    private readonly MediaSettings _settings;

    public VideoPipeline(IOptions<PinholeOptions> options)
    {
        _settings = options.Value.Media;
        _runner = new FfmpegRunner(new FfmpegRunnerOptions { MaxConcurrentJobs = _settings.VideoJobs });
        _processor = new VideoProcessor(_runner);
    }

    public VideoLimits Limits => new(
        TimeSpan.FromSeconds(_settings.MaxVideoSeconds), _settings.MaxVideoLongEdge, _settings.MaxVideoShortEdge,
        _settings.MaxVideoFrameRate, TimeSpan.FromSeconds(_settings.VideoTimeoutSeconds));

    /// <summary>Reads what the file holds and checks it against the limits, before anything is decoded.</summary>
    /// <exception cref="MediaRejectedException">Not a video or audio file, or over a limit.</exception>
    public async Task<VideoProbe> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var probe = await _processor.ProbeAsync(path, ProbeTimeout, cancellationToken);
        Limits.Check(probe, probe.Video is null ? VideoKind.Audio : VideoKind.Video);
        return probe;
    }

    public Task<ProcessedVideo> ProcessAsync(string path, string outputDirectory, string? filter, CancellationToken cancellationToken) =>
        _processor.ProcessAsync(path, outputDirectory, new VideoJob(Limits, filter), cancellationToken);

    public Task<ProcessedVideo> ProcessGifAsync(string path, string outputDirectory, string? filter, CancellationToken cancellationToken) =>
        _processor.ProcessGifAsync(path, outputDirectory, new VideoJob(Limits, filter), cancellationToken);

    /// <summary>The low-bit-rate rendition of one of our videos (a remuxed clip's <see cref="ProcessedVideo.LowFollows"/>).</summary>
    public Task<VideoOutput> MakeLowAsync(string video, string outputPath, FrameSize size, CancellationToken cancellationToken) =>
        _processor.MakeLowAsync(video, outputPath, size, TimeSpan.FromSeconds(_settings.VideoTimeoutSeconds), cancellationToken);

    public void Dispose() => _runner.Dispose();
}
