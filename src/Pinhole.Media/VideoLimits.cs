using System.Globalization;

namespace Pinhole.Media;

/// <summary>
/// What an upload may be. Checked from ffprobe's reading of the header, before any decoding, so a file declaring two
/// hours or 8K costs a probe, not an encode.
/// </summary>
/// <param name="MaxLongEdge">The longer side as displayed (after rotation), in pixels; 3840 and 2160 are 4K.</param>
/// <param name="MaxFrameRate">Frames per second, averaged over the stream.</param>
/// <param name="Timeout">How long one ffmpeg run may take before it is killed; <see cref="DefaultTimeout"/> when null.</param>
public sealed record VideoLimits(
    TimeSpan MaxDuration,
    int MaxLongEdge = 3840,
    int MaxShortEdge = 2160,
    double MaxFrameRate = 120,
    TimeSpan? Timeout = null)
{
    /// <summary>
    /// Containers round (a 60 s clip is often 60.02 s once audio priming is counted), so a duration this much over the
    /// limit still passes.
    /// </summary>
    public static readonly TimeSpan DurationTolerance = TimeSpan.FromSeconds(0.5);

    /// <summary>Long enough for a minute of 4K HEVC turned into two renditions on two busy cores.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>60 seconds, 200 MB, 4K, 120 fps.</summary>
    public static VideoLimits Default { get; } = new(TimeSpan.FromSeconds(60));

    /// <summary>The largest file accepted, in bytes; 200 MB by default.</summary>
    public long MaxBytes { get; init; } = 200L * 1024 * 1024;

    public TimeSpan JobTimeout => Timeout ?? DefaultTimeout;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxDuration, TimeSpan.Zero, nameof(MaxDuration));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxLongEdge, nameof(MaxLongEdge));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxShortEdge, nameof(MaxShortEdge));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxFrameRate, nameof(MaxFrameRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBytes, nameof(MaxBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(JobTimeout, TimeSpan.Zero, nameof(Timeout));
    }

    /// <exception cref="MediaRejectedException">The file is larger than <see cref="MaxBytes"/>.</exception>
    internal void CheckSize(long bytes)
    {
        if (bytes > MaxBytes)
        {
            throw new MediaRejectedException(Format($"video larger than {MaxBytes / (1024.0 * 1024):0.#} MB"));
        }
    }

    /// <exception cref="MediaRejectedException">The probed file breaks a limit; the message says which and by how much.</exception>
    public void Check(VideoProbe probe, VideoKind kind)
    {
        if (probe.Duration is { } duration)
        {
            CheckDuration(duration, kind);
        }

        if (probe.Video is not { } video || kind == VideoKind.Audio)
        {
            return;
        }

        int longEdge = Math.Max(video.DisplayWidth, video.DisplayHeight);
        int shortEdge = Math.Min(video.DisplayWidth, video.DisplayHeight);
        if (longEdge > MaxLongEdge || shortEdge > MaxShortEdge)
        {
            throw new MediaRejectedException(
                Format($"video is {video.DisplayWidth}×{video.DisplayHeight}, limit {MaxLongEdge}×{MaxShortEdge}"));
        }

        if (video.FrameRate is { } rate && rate.Value > MaxFrameRate)
        {
            throw new MediaRejectedException(Format($"frame rate {rate.Value:0.##} fps, limit {MaxFrameRate:0.##}"));
        }
    }

    /// <exception cref="MediaRejectedException">Longer than <see cref="MaxDuration"/> by more than the tolerance.</exception>
    internal void CheckDuration(TimeSpan duration, VideoKind kind)
    {
        if (duration > MaxDuration + DurationTolerance)
        {
            string what = kind == VideoKind.Audio ? "audio" : "video";
            throw new MediaRejectedException(Format($"{what} longer than {MaxDuration.TotalSeconds:0.##} seconds"));
        }
    }

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
