namespace Pinhole.Media;

public enum OutputFormat
{
    Jpeg,
    WebP,
}

/// <summary>One output to make from an upload: its long edge capped at <paramref name="MaxLongEdge"/> (never enlarged).</summary>
/// <param name="Quality">Encoder quality, 1–100.</param>
public sealed record RenditionSpec(string Name, int MaxLongEdge, OutputFormat Format, int Quality = 82);

/// <summary>An encoded output, upright, in sRGB, with no metadata at all.</summary>
public sealed record Rendition(string Name, OutputFormat Format, int Width, int Height, byte[] Bytes);

/// <summary>
/// The outcome of processing a photo. <paramref name="Width"/> × <paramref name="Height"/> is the full-size image
/// as displayed (after EXIF orientation), before any shrinking. <paramref name="Renditions"/> are in the order of
/// the specs asked for.
/// </summary>
public sealed record PhotoResult(int Width, int Height, IReadOnlyList<Rendition> Renditions, string BlurHash);

/// <summary>What a file is and its size as displayed (after EXIF orientation).</summary>
public sealed record ImageHeader(SniffedType Type, int Width, int Height);
