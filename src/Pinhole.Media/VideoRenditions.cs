namespace Pinhole.Media;

/// <summary>A picture size in pixels, as displayed.</summary>
public readonly record struct FrameSize(int Width, int Height);

/// <summary>One H.264/AAC output: its name, the short edge it is made at, and how hard it is squeezed.</summary>
/// <param name="Crf">x264's constant quality; <paramref name="MaxRateKbps"/> caps it for busy scenes.</param>
internal sealed record RenditionProfile(string Name, int ShortEdge, int Crf, int MaxRateKbps, int AudioKbps)
{
    /// <summary>The main rendition: what most people watch.</summary>
    public static readonly RenditionProfile Full = new("720p", 720, Crf: 23, MaxRateKbps: 2500, AudioKbps: 128);

    /// <summary>For slow links: about 0.5 Mbit/s in all.</summary>
    public static readonly RenditionProfile Low = new("360p", 360, Crf: 26, MaxRateKbps: 450, AudioKbps: 64);

    public static RenditionProfile Named(string name) =>
        name == Full.Name ? Full
        : name == Low.Name ? Low
        : throw new ArgumentException($"no rendition named \"{name}\"", nameof(name));
}

/// <summary>The sizes a video is encoded at. Pure, so the rule is tested without ffmpeg.</summary>
public static class VideoRenditions
{
    /// <summary>
    /// The sizes to make, largest first, named "720p" and "360p". "720p" has its short edge at 720, or at the
    /// source's own short edge when that is smaller: a video is never enlarged, so a 480×360 clip gives one 480×360
    /// "720p". "360p" is made only when the "720p" has a short edge above 360 — else it would be the same
    /// picture again. Both keep the shape of the source; every edge is even, as 4:2:0 video requires.
    /// </summary>
    public static IReadOnlyList<(string Name, FrameSize Size)> Plan(int displayWidth, int displayHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(displayWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(displayHeight);
        FrameSize full = Fit(displayWidth, displayHeight, Math.Min(RenditionProfile.Full.ShortEdge, Math.Min(displayWidth, displayHeight)));
        var plan = new List<(string, FrameSize)> { (RenditionProfile.Full.Name, full) };
        if (Math.Min(full.Width, full.Height) > RenditionProfile.Low.ShortEdge)
        {
            plan.Add((RenditionProfile.Low.Name, Fit(displayWidth, displayHeight, RenditionProfile.Low.ShortEdge)));
        }

        return plan;
    }

    /// <summary>
    /// The size with its short edge at <paramref name="shortEdge"/>, same shape, both edges rounded down to even (down,
    /// so that an odd-sized source is never enlarged by a pixel).
    /// </summary>
    public static FrameSize Fit(int width, int height, int shortEdge)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shortEdge);
        double scale = (double)shortEdge / Math.Min(width, height);
        return new FrameSize(Even(width * scale), Even(height * scale));

        static int Even(double edge) => Math.Max(2, (int)Math.Round(edge) & ~1);
    }
}
