using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Pinhole.Media.Tests.Support;

/// <summary>
/// An 8-bit RGB or RGBA picture drawn in memory and written as PNG by hand, so fixtures need no image library and
/// tests can also craft PNGs that no encoder would write (a lying header, garbage after the signature).
/// </summary>
public sealed class Canvas
{
    public Canvas(int width, int height, int channels = 3)
    {
        if (channels is not (3 or 4))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), "RGB or RGBA");
        }

        Width = width;
        Height = height;
        Channels = channels;
        Pixels = new byte[width * height * channels];
    }

    public int Width { get; }

    public int Height { get; }

    public int Channels { get; }

    public byte[] Pixels { get; }

    public Canvas Fill(params byte[] color) => FillRect(0, 0, Width, Height, color);

    public Canvas FillRect(int left, int top, int width, int height, params byte[] color)
    {
        if (color.Length != Channels)
        {
            throw new ArgumentException($"expected {Channels} channels", nameof(color));
        }

        for (int y = top; y < top + height; y++)
        {
            for (int x = left; x < left + width; x++)
            {
                color.CopyTo(Pixels, (y * Width + x) * Channels);
            }
        }

        return this;
    }

    /// <summary>Sets every pixel from a function of its position.</summary>
    public Canvas Paint(Func<int, int, byte[]> colorAt)
    {
        for (int y = 0; y < Height; y++)
        {
            for (int x = 0; x < Width; x++)
            {
                colorAt(x, y).CopyTo(Pixels, (y * Width + x) * Channels);
            }
        }

        return this;
    }

    public string SavePng(string path)
    {
        File.WriteAllBytes(path, EncodePng());
        return path;
    }

    public byte[] EncodePng()
    {
        using var idat = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionLevel.Fastest, leaveOpen: true))
        {
            int rowLength = Width * Channels;
            for (int y = 0; y < Height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(Pixels, y * rowLength, rowLength);
            }
        }

        return Png(Ihdr(Width, Height, colorType: Channels == 4 ? (byte)6 : (byte)2), idat.ToArray());
    }

    /// <summary>An IHDR chunk's data: width, height, bit depth 8, the colour type, default methods.</summary>
    public static byte[] Ihdr(int width, int height, byte colorType)
    {
        var data = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(data, width);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(4), height);
        data[8] = 8;
        data[9] = colorType;
        return data;
    }

    /// <summary>Signature, IHDR, one IDAT, IEND.</summary>
    public static byte[] Png(byte[] ihdr, byte[] idat)
    {
        using var png = new MemoryStream();
        png.Write(PngSignature);
        WriteChunk(png, "IHDR", ihdr);
        WriteChunk(png, "IDAT", idat);
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    public static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        stream.Write(word);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320 ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }
}
