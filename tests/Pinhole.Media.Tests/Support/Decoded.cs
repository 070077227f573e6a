using Pinhole.Media.Interop;

namespace Pinhole.Media.Tests.Support;

/// <summary>An encoded image decoded back to 8-bit pixels with libvips, exactly as stored (no colour management).</summary>
public sealed record Decoded(int Width, int Height, int Bands, byte[] Pixels)
{
    public static Decoded FromBytes(byte[] encoded, TempDirectory directory)
    {
        string path = directory.File(Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, encoded);
        return FromFile(path);
    }

    public static Decoded FromFile(string path)
    {
        LibVips.EnsureInitialized();
        using VipsImage image = VipsImage.OpenHeader(path);
        return new Decoded(image.Width, image.Height, image.Bands, image.ToPixels());
    }

    public byte[] At(int x, int y) => Pixels.AsSpan((y * Width + x) * Bands, Bands).ToArray();

    /// <summary>The pixel at a fraction of the way across and down, e.g. (0.25, 0.25) for the middle of the top-left quadrant.</summary>
    public byte[] AtFraction(double fx, double fy) => At((int)(fx * Width), (int)(fy * Height));

    public static bool IsRed(byte[] pixel) => pixel[0] > 200 && pixel[1] < 60 && pixel[2] < 60;
}
