using System.Buffers.Binary;

namespace Pinhole.Media;

/// <summary>
/// Removes metadata chunks from a WebP file. libvips 8.14.1 (Debian 12's) ignores <c>strip</c> in webpsave and
/// always writes an EXIF chunk (rebuilt from the image's resolution and orientation, fixed upstream in 8.14.2), so
/// the pipeline filters its own WebP output through this.
/// </summary>
/// <remarks>
/// A WebP file is a RIFF container: "RIFF", the size of what follows (little-endian), "WEBP", then chunks of
/// FourCC, payload size, payload, and a pad byte when the size is odd. Metadata lives in the ICCP, EXIF and XMP
/// chunks, announced by flags in the VP8X header chunk.
/// </remarks>
internal static class WebPContainer
{
    private const byte IccFlag = 0x20;
    private const byte ExifFlag = 0x08;
    private const byte XmpFlag = 0x04;

    public static byte[] StripMetadata(byte[] webp)
    {
        if (webp.Length < 12 || !webp.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !webp.AsSpan(8, 4).SequenceEqual("WEBP"u8))
        {
            throw new InvalidOperationException("not a WebP file");
        }

        using var output = new MemoryStream(webp.Length);
        output.Write(webp, 0, 12);
        int offset = 12;
        while (offset < webp.Length)
        {
            if (offset + 8 > webp.Length)
            {
                throw new InvalidOperationException("truncated WebP chunk header");
            }

            ReadOnlySpan<byte> fourCc = webp.AsSpan(offset, 4);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(webp.AsSpan(offset + 4, 4));
            long chunkLength = 8L + size + (size & 1);
            if (offset + chunkLength > webp.Length)
            {
                throw new InvalidOperationException("truncated WebP chunk");
            }

            if (fourCc.SequenceEqual("ICCP"u8) || fourCc.SequenceEqual("EXIF"u8) || fourCc.SequenceEqual("XMP "u8))
            {
                offset += (int)chunkLength;
                continue;
            }

            if (fourCc.SequenceEqual("VP8X"u8) && size >= 1)
            {
                // Keep the extended header only while it still announces something (alpha, animation).
                byte flags = (byte)(webp[offset + 8] & ~(IccFlag | ExifFlag | XmpFlag));
                if (flags != 0)
                {
                    long start = output.Position;
                    output.Write(webp, offset, (int)chunkLength);
                    output.Position = start + 8;
                    output.WriteByte(flags);
                    output.Position = output.Length;
                }
            }
            else
            {
                output.Write(webp, offset, (int)chunkLength);
            }

            offset += (int)chunkLength;
        }

        byte[] stripped = output.ToArray();
        BinaryPrimitives.WriteUInt32LittleEndian(stripped.AsSpan(4, 4), (uint)(stripped.Length - 8));
        return stripped;
    }
}
