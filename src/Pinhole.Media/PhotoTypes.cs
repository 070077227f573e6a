using System.Globalization;

namespace Pinhole.Media;

public enum OutputFormat
{
    Jpeg,
    WebP,

    /// <summary>Smallest files, slowest to make: an operator's choice (<c>Pinhole:Media:Avif</c>).</summary>
    Avif,
}

public enum RenditionShape
{
    /// <summary>The whole picture, its long edge capped at <see cref="RenditionSpec.MaxLongEdge"/>.</summary>
    Fit,

    /// <summary>A square <see cref="RenditionSpec.MaxLongEdge"/> pixels on a side, cropped around the focus point.</summary>
    Square,
}

/// <summary>One output to make from an upload: its long edge capped at <paramref name="MaxLongEdge"/> (never enlarged).</summary>
/// <param name="Quality">Encoder quality, 1–100.</param>
public sealed record RenditionSpec(string Name, int MaxLongEdge, OutputFormat Format, int Quality = 82)
{
    public RenditionShape Shape { get; init; } = RenditionShape.Fit;

    /// <summary>
    /// A square crop <paramref name="size"/> pixels on a side (smaller when the photo's short edge is), scaled so the
    /// short edge fills it and placed to keep the focus point in view (see <see cref="PhotoEdits.Focus"/>).
    /// </summary>
    public static RenditionSpec SquareCrop(string name, int size, OutputFormat format, int quality = 82) =>
        new(name, size, format, quality) { Shape = RenditionShape.Square };
}

/// <summary>
/// Mastodon's focal point: <paramref name="X"/> from −1 (left edge) to 1 (right edge), <paramref name="Y"/> from −1
/// (bottom) to 1 (top); (0, 0) is the centre.
/// </summary>
public readonly record struct FocusPoint
{
    public FocusPoint(double x, double y)
    {
        if (!(x is >= -1 and <= 1) || !(y is >= -1 and <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(x), string.Create(CultureInfo.InvariantCulture, $"focus ({x}, {y}) is outside [-1, 1]"));
        }

        X = x;
        Y = y;
    }

    public static FocusPoint Centre => default;

    public double X { get; }

    public double Y { get; }
}

/// <summary>What the person chose for their photo: where its subject is, and a filter id from <see cref="Filters"/>.</summary>
public sealed record PhotoEdits(FocusPoint Focus = default, string? Filter = null)
{
    public static PhotoEdits None { get; } = new();
}

/// <summary>An encoded output, upright, in sRGB, with no metadata at all.</summary>
public sealed record Rendition(string Name, OutputFormat Format, int Width, int Height, byte[] Bytes);

/// <summary>
/// The outcome of processing a photo. <paramref name="Width"/> × <paramref name="Height"/> is the full-size image
/// as displayed (after EXIF orientation), before any shrinking. <paramref name="Renditions"/> are in the order of
/// the specs asked for.
/// </summary>
public sealed record PhotoResult(int Width, int Height, IReadOnlyList<Rendition> Renditions, string BlurHash);

/// <summary>What a file is and its size as displayed (after EXIF orientation).</summary>
public sealed record ImageHeader(SniffedType Type, int Width, int Height)
{
    /// <summary>How many frames the file holds (GIF); 1 for a still image.</summary>
    public int Frames { get; init; } = 1;

    /// <summary>An animated GIF: make it a video with <see cref="VideoProcessor.ProcessGifAsync"/>.</summary>
    public bool IsAnimated => Frames > 1;
}

/// <summary>A filter's preview: the sample photo rendered with it.</summary>
public sealed record FilterPreview(FilterInfo Filter, Rendition Image);
