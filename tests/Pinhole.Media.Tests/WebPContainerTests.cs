using System.Buffers.Binary;
using System.Text;

namespace Pinhole.Media.Tests;

public sealed class WebPContainerTests
{
    [Fact]
    public void MetadataChunksAreRemovedAndTheRiffSizeIsFixed()
    {
        byte[] webp = Riff(
            Chunk("VP8X", [0x20 | 0x10 | 0x08 | 0x04, 0, 0, 0, 9, 0, 0, 9, 0, 0]), // ICC, alpha, EXIF, XMP
            Chunk("ICCP", new byte[5]),
            Chunk("ALPH", [1, 2, 3]),
            Chunk("VP8 ", [4, 5, 6, 7]),
            Chunk("EXIF", "Exif\0\0GPS"u8.ToArray()),
            Chunk("XMP ", "<x:xmpmeta/>"u8.ToArray()));

        byte[] stripped = WebPContainer.StripMetadata(webp);

        byte[] expected = Riff(
            Chunk("VP8X", [0x10, 0, 0, 0, 9, 0, 0, 9, 0, 0]),
            Chunk("ALPH", [1, 2, 3]),
            Chunk("VP8 ", [4, 5, 6, 7]));
        Assert.Equal(expected, stripped);
    }

    [Fact]
    public void AnExtendedHeaderLeftWithNothingToAnnounceIsDropped()
    {
        byte[] webp = Riff(Chunk("VP8X", [0x08, 0, 0, 0, 9, 0, 0, 9, 0, 0]), Chunk("VP8 ", [4, 5, 6, 7]), Chunk("EXIF", [1]));

        Assert.Equal(Riff(Chunk("VP8 ", [4, 5, 6, 7])), WebPContainer.StripMetadata(webp));
    }

    [Fact]
    public void ASimpleWebPIsLeftAlone()
    {
        byte[] webp = Riff(Chunk("VP8L", [1, 2, 3, 4, 5]));

        Assert.Equal(webp, WebPContainer.StripMetadata(webp));
    }

    private static byte[] Chunk(string fourCc, byte[] payload)
    {
        var chunk = new byte[8 + payload.Length + (payload.Length & 1)];
        Encoding.ASCII.GetBytes(fourCc).CopyTo(chunk, 0);
        BinaryPrimitives.WriteInt32LittleEndian(chunk.AsSpan(4), payload.Length);
        payload.CopyTo(chunk, 8);
        return chunk;
    }

    private static byte[] Riff(params byte[][] chunks)
    {
        byte[] body = [.. "WEBP"u8, .. chunks.SelectMany(c => c)];
        var riff = new byte[8 + body.Length];
        "RIFF"u8.CopyTo(riff);
        BinaryPrimitives.WriteInt32LittleEndian(riff.AsSpan(4), body.Length);
        body.CopyTo(riff, 8);
        return riff;
    }
}
