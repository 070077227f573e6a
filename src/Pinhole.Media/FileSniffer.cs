using System.Buffers.Binary;
using System.Text;

namespace Pinhole.Media;

public enum SniffedType
{
    Unknown,
    Jpeg,
    Png,
    WebP,
    Gif,
    Heif,
    Avif,
    Mp4,
    QuickTime,
    WebM,
    ThreeGp,
    Mp3,
    Ogg,
    Wav,
    Flac,
}

/// <summary>
/// Decides what a file really is from its first bytes, never from its name or declared MIME type.
/// </summary>
public static class FileSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> wants (fewer is fine when the file is shorter).</summary>
    public const int HeadLength = 64;

    private static ReadOnlySpan<byte> JpegMagic => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> PngMagic => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> EbmlMagic => [0x1A, 0x45, 0xDF, 0xA3];

    public static SniffedType Sniff(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(JpegMagic))
        {
            return SniffedType.Jpeg;
        }

        if (head.StartsWith(PngMagic))
        {
            return SniffedType.Png;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return SniffedType.Gif;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return SniffedType.WebP;
        }

        if (head.StartsWith(EbmlMagic))
        {
            return SniffedType.WebM;
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            return SniffIsoBaseMedia(head);
        }

        if (head.StartsWith("OggS"u8))
        {
            return SniffedType.Ogg;
        }

        if (head.StartsWith("fLaC"u8))
        {
            return SniffedType.Flac;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WAVE"u8))
        {
            return SniffedType.Wav;
        }

        // An ID3 tag, or straight into an MPEG audio frame: 11 sync bits, then a layer that is not "reserved".
        if (head.StartsWith("ID3"u8) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0 && (head[1] & 0x06) != 0))
        {
            return SniffedType.Mp3;
        }

        return SniffedType.Unknown;
    }

    public static string? MimeType(SniffedType type) => type switch
    {
        SniffedType.Jpeg => "image/jpeg",
        SniffedType.Png => "image/png",
        SniffedType.WebP => "image/webp",
        SniffedType.Gif => "image/gif",
        SniffedType.Heif => "image/heic",
        SniffedType.Avif => "image/avif",
        SniffedType.Mp4 => "video/mp4",
        SniffedType.QuickTime => "video/quicktime",
        SniffedType.WebM => "video/webm",
        SniffedType.ThreeGp => "video/3gpp",
        SniffedType.Mp3 => "audio/mpeg",
        SniffedType.Ogg => "audio/ogg",
        SniffedType.Wav => "audio/wav",
        SniffedType.Flac => "audio/flac",
        _ => null,
    };

    /// <summary>
    /// An ISO base media file starts with an <c>ftyp</c> box: size (4), "ftyp", major brand (4), minor
    /// version (4), then compatible brands (4 each) up to the box size. The major brand decides when we know
    /// it; the generic HEIF brands (mif1/msf1) are refined by an AVIF compatible brand, since AVIF files may
    /// carry mif1 as their major brand.
    /// </summary>
    private static SniffedType SniffIsoBaseMedia(ReadOnlySpan<byte> head)
    {
        uint boxSize = BinaryPrimitives.ReadUInt32BigEndian(head);
        if (boxSize < 16)
        {
            return SniffedType.Unknown;
        }

        int end = (int)Math.Min(boxSize, (uint)head.Length);
        var compatible = new List<string>();
        for (int offset = 16; offset + 4 <= end; offset += 4)
        {
            compatible.Add(Encoding.ASCII.GetString(head.Slice(offset, 4)));
        }

        string major = Encoding.ASCII.GetString(head.Slice(8, 4));
        string deciding = FromBrand(major) != SniffedType.Unknown
            ? major
            : compatible.FirstOrDefault(brand => FromBrand(brand) != SniffedType.Unknown) ?? major;
        SniffedType type = FromBrand(deciding);
        if (deciding is "mif1" or "msf1" && compatible.Any(brand => FromBrand(brand) == SniffedType.Avif))
        {
            return SniffedType.Avif;
        }

        return type;
    }

    private static SniffedType FromBrand(string brand) => brand switch
    {
        "avif" or "avis" => SniffedType.Avif,
        "heic" or "heix" or "heim" or "heis" or "hevc" or "hevx" or "mif1" or "msf1" => SniffedType.Heif,
        "qt  " => SniffedType.QuickTime,
        _ when brand.StartsWith("3gp", StringComparison.Ordinal) || brand.StartsWith("3g2", StringComparison.Ordinal)
            => SniffedType.ThreeGp,
        "isom" or "iso2" or "iso3" or "iso4" or "iso5" or "iso6" or "mp41" or "mp42" or "mp71" or "avc1"
            or "M4V " or "M4VH" or "M4VP" or "M4A " or "M4B " or "dash" or "mmp4" or "MSNV" or "NDAS" or "NDSC" or "f4v " or "XAVC"
            => SniffedType.Mp4,
        _ => SniffedType.Unknown,
    };
}
