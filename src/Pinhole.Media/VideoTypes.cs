namespace Pinhole.Media;

/// <summary>What an upload became: Mastodon's attachment types <c>video</c>, <c>gifv</c> and <c>audio</c>.</summary>
public enum VideoKind
{
    Video,

    /// <summary>A silent looping clip, made from an animated GIF.</summary>
    Gifv,

    /// <summary>Sound only: no picture stream, or only a cover picture.</summary>
    Audio,
}

/// <summary>What to do with one upload.</summary>
/// <param name="Filter">A <see cref="Filters"/> id applied to every frame, or null for none.</param>
public sealed record VideoJob(VideoLimits Limits, string? Filter = null);

/// <summary>One encoded file.</summary>
/// <param name="Name">"720p" or "360p" for a video or gifv, "audio" for sound only.</param>
/// <param name="ContentType">video/mp4 or audio/mp4.</param>
/// <param name="Width">Pixels as displayed (upright); 0 for audio.</param>
/// <param name="FrameRate">Frames per second; null for audio.</param>
/// <param name="BitRate">Bits per second over the whole file, audio included.</param>
public sealed record VideoOutput(
    string Name,
    string Path,
    string ContentType,
    int Width,
    int Height,
    long Bytes,
    double? FrameRate,
    long? BitRate);

/// <summary>A still from the video, at the size of its largest output, for players to show before playing.</summary>
public sealed record VideoPoster(string JpegPath, string WebPPath, int Width, int Height, string BlurHash);

/// <summary>The outcome of processing a video, gifv or audio upload.</summary>
/// <param name="Duration">Of the largest output, as written.</param>
/// <param name="Outputs">Largest first.</param>
/// <param name="Poster">Null for audio.</param>
/// <param name="Remuxed">The largest output holds the upload's own video and audio, copied into a clean MP4, not re-encoded.</param>
/// <param name="Probe">What ffprobe said about the upload.</param>
/// <param name="LowFollows">
/// The low-bit-rate rendition this video should have and was left out of this run, so that a remuxed clip is ready in a
/// fraction of a second: make it from the largest output with <see cref="VideoProcessor.MakeLowAsync"/>. Null when none is due.
/// </param>
public sealed record ProcessedVideo(
    VideoKind Kind,
    TimeSpan Duration,
    IReadOnlyList<VideoOutput> Outputs,
    VideoPoster? Poster,
    bool Remuxed,
    VideoProbe Probe,
    FrameSize? LowFollows = null);
