// Design notes: how an uploaded video becomes renditions.
//
// * Probe, check, then decode. ffprobe reads the header (only through the demuxers in VideoCommands.Demuxers); the
//   limits are checked on what it says, so a file declaring two hours or 8K is refused for the price of a probe. A
//   header can lie short, so every run also stops reading at the limit (plus a margin) and the written output's
//   own duration is checked again.
//
// * Decode once. Both renditions come from one ffmpeg process: the picture is turned upright (ffmpeg applies the
//   display matrix itself when it re-encodes), scaled to 720p, filtered, then split, and the 360p is scaled from the
//   720p. Decoding is the costly half for phone uploads (1080p and 4K HEVC), so a second decode would nearly double
//   the time.
//
// * Copy when nothing would improve. An upload that already is what the 720p rendition would be (VideoCommands.CanRemux)
//   is copied into a clean MP4 in a fraction of a second instead of losing quality to a second encode. Its 360p is left
//   for later (ProcessedVideo.LowFollows, MakeLowAsync): encoding it would take most of the job's time, and the clip is
//   watchable, and its post can go out, without it.
//
// * Nothing personal survives. Only the chosen picture and sound streams are mapped (no data tracks, subtitles,
//   chapters or cover art); global and stream metadata, including the QuickTime location (©xyz, ISO6709 keys) and
//   device tags, are dropped; the poster goes through PhotoProcessor, which strips images.
//
// * Failures a person can act on are MediaRejectedException with a short reason; ffmpeg's own words stay in the
//   inner exception for the logs. Whatever goes wrong, the files this job wrote are deleted.
namespace Pinhole.Media;

/// <summary>Turns an uploaded video, animated GIF or sound file into H.264/AAC MP4 renditions and a poster.</summary>
public sealed class VideoProcessor(FfmpegRunner runner)
{
    /// <summary>ffprobe reads headers only; this is plenty however large the file.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The poster's frame (or a tenth of the way in, for clips under 10 s): late enough to skip a fade from black,
    /// early enough to be the opening shot.
    /// </summary>
    private static readonly TimeSpan PosterAt = TimeSpan.FromSeconds(1);

    private readonly PhotoProcessor posterEncoder = new(maxPixels: 100_000_000);

    /// <summary>Reads what the file holds, through the video and audio demuxers only.</summary>
    /// <exception cref="MediaRejectedException">
    /// Not a video or sound file ffmpeg can read ("not an image or video"), one that starts like a video but cannot be
    /// read ("the video could not be decoded: moov atom not found"), or a probe over <paramref name="timeout"/>.
    /// </exception>
    public async Task<VideoProbe> ProbeAsync(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ToolRun run;
        try
        {
            run = await runner.RunFfprobeAsync(VideoCommands.Probe(path, restrictDemuxers: true), timeout, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (FfmpegException e)
        {
            throw new MediaRejectedException(
                LooksLikeVideo(path) ? "the video could not be decoded: " + VideoFailures.Reason(e.StderrTail, path) : "not an image or video",
                e);
        }
        catch (TimeoutException e)
        {
            throw new MediaRejectedException("the video took too long to process", e);
        }

        return FfprobeParser.Parse(run.Stdout);
    }

    /// <summary>
    /// Makes the renditions of a video (Kind Video), of sound only (Kind Audio, one "audio" output, no poster) or of an
    /// animated GIF (Kind Gifv, as <see cref="ProcessGifAsync"/>).
    /// </summary>
    /// <exception cref="MediaRejectedException">Unreadable, damaged, over a limit, or too slow to process.</exception>
    /// <exception cref="ArgumentException">The job names a filter that does not exist.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; ffmpeg was killed and the outputs deleted.</exception>
    public Task<ProcessedVideo> ProcessAsync(
        string sourcePath, string outputDirectory, VideoJob job, CancellationToken cancellationToken) =>
        ProcessAsync(sourcePath, outputDirectory, job, asGifv: false, cancellationToken);

    /// <summary>
    /// Makes a silent looping clip (Kind Gifv): one H.264 MP4 without sound, at most 720p, and its poster. Meant for
    /// animated GIFs; any file with a picture stream is accepted, its sound dropped.
    /// </summary>
    /// <inheritdoc cref="ProcessAsync(string, string, VideoJob, CancellationToken)"/>
    public Task<ProcessedVideo> ProcessGifAsync(
        string gifPath, string outputDirectory, VideoJob job, CancellationToken cancellationToken) =>
        ProcessAsync(gifPath, outputDirectory, job, asGifv: true, cancellationToken);

    private async Task<ProcessedVideo> ProcessAsync(
        string source, string outputDirectory, VideoJob job, bool asGifv, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(outputDirectory);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(job.Limits);
        VideoLimits limits = job.Limits;
        limits.Validate();
        string? look = job.Filter is null ? null : Filters.FfmpegChain(job.Filter);
        limits.CheckSize(new FileInfo(source).Length);

        VideoProbe probe = await ProbeAsync(source, Min(ProbeTimeout, limits.JobTimeout), cancellationToken).ConfigureAwait(false);
        VideoKind kind = probe.Video is null ? VideoKind.Audio
            : asGifv || probe.FormatName == "gif" ? VideoKind.Gifv
            : VideoKind.Video;
        if (asGifv && kind == VideoKind.Audio)
        {
            throw new MediaRejectedException("the file has no picture to animate");
        }

        limits.Check(probe, kind);
        if (probe.Video is { Width: <= 0 } or { Height: <= 0 })
        {
            throw new MediaRejectedException("the video could not be decoded: its picture size is unknown");
        }

        Directory.CreateDirectory(outputDirectory);
        var written = new List<string>();
        try
        {
            return await EncodeAsync(source, outputDirectory, probe, kind, limits, look, written, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (FfmpegException e)
        {
            Delete(written);
            throw new MediaRejectedException("the video could not be decoded: " + VideoFailures.Reason(e.StderrTail, source), e);
        }
        catch (TimeoutException e)
        {
            Delete(written);
            throw new MediaRejectedException("the video took too long to process", e);
        }
        catch
        {
            Delete(written);
            throw;
        }
    }

    private async Task<ProcessedVideo> EncodeAsync(
        string source,
        string outputDirectory,
        VideoProbe probe,
        VideoKind kind,
        VideoLimits limits,
        string? look,
        List<string> written,
        CancellationToken cancellationToken)
    {
        TimeSpan timeout = limits.JobTimeout;

        // A second past what the limit lets through, so that an understated header shows in the output's duration.
        TimeSpan cap = limits.MaxDuration + VideoLimits.DurationTolerance + TimeSpan.FromSeconds(1);
        bool remuxed = false;
        FrameSize? lowFollows = null;
        List<(string Name, string Path)> outputs;
        if (kind == VideoKind.Audio)
        {
            AudioStreamInfo audio = probe.Audio!;
            string path = Path.Combine(outputDirectory, "audio.m4a");
            outputs = [("audio", path)];
            written.Add(path);
            remuxed = VideoCommands.CanCopy(audio);
            await runner.RunFfmpegAsync(VideoCommands.Audio(source, audio, path, cap), timeout, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            VideoStreamInfo video = probe.Video!;
            IReadOnlyList<(string Name, FrameSize Size)> sizes = VideoRenditions.Plan(video.DisplayWidth, video.DisplayHeight);

            // A gifv is a short silent loop, light already: the one rendition serves slow links too.
            List<PlannedOutput> plan = sizes
                .Take(kind == VideoKind.Gifv ? 1 : sizes.Count)
                .Select(r => new PlannedOutput(RenditionProfile.Named(r.Name), r.Size, Path.Combine(outputDirectory, r.Name + ".mp4")))
                .ToList();
            remuxed = kind == VideoKind.Video && look is null && VideoCommands.CanRemux(probe);
            if (remuxed && plan.Count > 1)
            {
                lowFollows = plan[1].Size;
                plan = plan.Take(1).ToList();
            }

            outputs = plan.Select(p => (p.Profile.Name, p.Path)).ToList();
            written.AddRange(plan.Select(p => p.Path));
            List<string> command = remuxed
                ? VideoCommands.Remux(source, probe, plan[0].Path, cap)
                : VideoCommands.Transcode(source, probe, plan, look, withAudio: kind == VideoKind.Video, cap);
            await runner.RunFfmpegAsync(command, timeout, cancellationToken).ConfigureAwait(false);
        }

        var results = new List<VideoOutput>(outputs.Count);
        TimeSpan duration = TimeSpan.Zero;
        foreach ((string name, string path) in outputs)
        {
            VideoProbe output = await ProbeOutputAsync(path, cancellationToken).ConfigureAwait(false);
            if (results.Count == 0)
            {
                duration = output.Duration ?? throw new MediaRejectedException("the video could not be decoded: it has no length");
                limits.CheckDuration(duration, kind);
            }

            long bytes = new FileInfo(path).Length;
            results.Add(new VideoOutput(
                name,
                path,
                kind == VideoKind.Audio ? "audio/mp4" : "video/mp4",
                output.Video?.DisplayWidth ?? 0,
                output.Video?.DisplayHeight ?? 0,
                bytes,
                output.Video?.FrameRate?.Value,
                output.BitRate ?? (long)(bytes * 8 / duration.TotalSeconds)));
        }

        VideoPoster? poster = kind == VideoKind.Audio
            ? null
            : await MakePosterAsync(results[0], duration, outputDirectory, written, timeout, cancellationToken).ConfigureAwait(false);
        return new ProcessedVideo(kind, duration, results, poster, remuxed, probe, lowFollows);
    }

    /// <summary>
    /// The low-bit-rate rendition ("360p") of a video this processor made, at <paramref name="size"/>: what a remuxed
    /// clip's <see cref="ProcessedVideo.LowFollows"/> asks for, made from its largest output.
    /// </summary>
    /// <exception cref="MediaRejectedException">The video could not be read or encoded, or took too long.</exception>
    public async Task<VideoOutput> MakeLowAsync(string video, string outputPath, FrameSize size, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(video);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        try
        {
            VideoProbe probe = await ProbeOutputAsync(video, cancellationToken).ConfigureAwait(false);
            TimeSpan cap = (probe.Duration ?? TimeSpan.Zero) + TimeSpan.FromSeconds(1);
            var planned = new PlannedOutput(RenditionProfile.Low, size, outputPath);
            await runner.RunFfmpegAsync(VideoCommands.Smaller(video, probe, planned, cap), timeout, cancellationToken).ConfigureAwait(false);
            VideoProbe output = await ProbeOutputAsync(outputPath, cancellationToken).ConfigureAwait(false);
            long bytes = new FileInfo(outputPath).Length;
            return new VideoOutput(
                RenditionProfile.Low.Name, outputPath, "video/mp4", output.Video?.DisplayWidth ?? 0, output.Video?.DisplayHeight ?? 0, bytes,
                output.Video?.FrameRate?.Value, output.BitRate ?? (long)(bytes * 8 / Math.Max(0.001, (output.Duration ?? TimeSpan.Zero).TotalSeconds)));
        }
        catch (FfmpegException e)
        {
            Delete([outputPath]);
            throw new MediaRejectedException("the video could not be decoded: " + VideoFailures.Reason(e.StderrTail, video), e);
        }
        catch (TimeoutException e)
        {
            Delete([outputPath]);
            throw new MediaRejectedException("the video took too long to process", e);
        }
    }

    /// <summary>Our own output, read without the upload's demuxer restrictions (it is always MP4).</summary>
    private async Task<VideoProbe> ProbeOutputAsync(string path, CancellationToken cancellationToken)
    {
        ToolRun run = await runner.RunFfprobeAsync(VideoCommands.Probe(path, restrictDemuxers: false), ProbeTimeout, cancellationToken)
            .ConfigureAwait(false);
        return FfprobeParser.Parse(run.Stdout);
    }

    /// <summary>
    /// A frame of the largest output, so the poster is upright, filtered and sized like the video; ffmpeg writes it as
    /// PNG and PhotoProcessor makes the JPEG, the WebP and the BlurHash (and strips both files) exactly as for photos.
    /// </summary>
    private async Task<VideoPoster> MakePosterAsync(
        VideoOutput video, TimeSpan duration, string outputDirectory, List<string> written, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string png = Path.Combine(outputDirectory, "poster.png");
        string jpeg = Path.Combine(outputDirectory, "poster.jpg");
        string webP = Path.Combine(outputDirectory, "poster.webp");
        written.AddRange([png, jpeg, webP]);
        TimeSpan at = Min(PosterAt, duration / 10);
        await runner.RunFfmpegAsync(VideoCommands.Poster(video.Path, at, png), timeout, cancellationToken).ConfigureAwait(false);
        if (!File.Exists(png) && at > TimeSpan.Zero)
        {
            // A seek past the last frame (a short clip whose declared length overshoots) writes nothing.
            await runner.RunFfmpegAsync(VideoCommands.Poster(video.Path, TimeSpan.Zero, png), timeout, cancellationToken).ConfigureAwait(false);
        }

        int edge = Math.Max(video.Width, video.Height);
        PhotoResult result = posterEncoder.Process(
            png, [new RenditionSpec("poster.jpg", edge, OutputFormat.Jpeg), new RenditionSpec("poster.webp", edge, OutputFormat.WebP)], cancellationToken);
        await File.WriteAllBytesAsync(jpeg, result.Renditions[0].Bytes, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(webP, result.Renditions[1].Bytes, cancellationToken).ConfigureAwait(false);
        File.Delete(png);
        written.Remove(png);
        return new VideoPoster(jpeg, webP, result.Renditions[0].Width, result.Renditions[0].Height, result.BlurHash);
    }

    /// <summary>
    /// Starts like an MP4, QuickTime, 3GP or WebM file: one ffprobe cannot read is a damaged video (typically cut short
    /// before its index), not a file of some other kind, and saying so helps the person more.
    /// </summary>
    private static bool LooksLikeVideo(string path)
    {
        Span<byte> head = stackalloc byte[FileSniffer.HeadLength];
        using FileStream file = File.OpenRead(path);
        int read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return FileSniffer.Sniff(head[..read]) is SniffedType.Mp4 or SniffedType.QuickTime or SniffedType.ThreeGp or SniffedType.WebM;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static void Delete(IEnumerable<string> paths)
    {
        foreach (string path in paths)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Best effort: the caller owns the directory and clears it too.
            }
        }
    }
}
