namespace Pinhole.Media;

/// <summary>
/// BlurHash (https://blurha.sh), a port of the reference TypeScript implementation (woltapp/blurhash), which
/// Mastodon sends as <c>blurhash</c> on every media attachment. Pixels are packed 8-bit sRGB triples.
/// </summary>
/// <remarks>
/// One deliberate difference from the npm package: the AC scale is taken from the largest AC <em>magnitude</em>,
/// as the C, Swift and Kotlin reference implementations (and so Mastodon's Ruby gem) do; the TypeScript encoder
/// takes the largest signed value, which clips images whose strongest component is negative. The two agree
/// whenever the strongest component is positive.
/// </remarks>
public static class BlurHash
{
    private const string Base83Alphabet =
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

    private static readonly double[] SrgbToLinearTable = BuildSrgbToLinearTable();

    public static string Encode(ReadOnlySpan<byte> rgb, int width, int height, int componentsX = 4, int componentsY = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(componentsX, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(componentsX, 9);
        ArgumentOutOfRangeException.ThrowIfLessThan(componentsY, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(componentsY, 9);
        if (rgb.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"expected {width}×{height}×3 bytes, got {rgb.Length}", nameof(rgb));
        }

        var factors = new (double R, double G, double B)[componentsX * componentsY];
        var cosX = new double[width];
        var cosY = new double[height];
        for (int j = 0; j < componentsY; j++)
        {
            for (int y = 0; y < height; y++)
            {
                cosY[y] = Math.Cos(Math.PI * j * y / height);
            }

            for (int i = 0; i < componentsX; i++)
            {
                for (int x = 0; x < width; x++)
                {
                    cosX[x] = Math.Cos(Math.PI * i * x / width);
                }

                double normalisation = i == 0 && j == 0 ? 1 : 2;
                // Columns outer, rows inner, as the reference does, so that the sums round identically.
                double r = 0, g = 0, b = 0;
                for (int x = 0; x < width; x++)
                {
                    for (int y = 0; y < height; y++)
                    {
                        double basis = normalisation * cosX[x] * cosY[y];
                        int offset = 3 * (y * width + x);
                        r += basis * SrgbToLinearTable[rgb[offset]];
                        g += basis * SrgbToLinearTable[rgb[offset + 1]];
                        b += basis * SrgbToLinearTable[rgb[offset + 2]];
                    }
                }

                double scale = 1.0 / (width * height);
                factors[j * componentsX + i] = (r * scale, g * scale, b * scale);
            }
        }

        var hash = new char[4 + 2 * factors.Length];
        Base83(componentsX - 1 + (componentsY - 1) * 9, hash.AsSpan(0, 1));

        double maximumValue;
        if (factors.Length > 1)
        {
            double actualMaximum = 0;
            foreach ((double r, double g, double b) in factors.AsSpan(1))
            {
                actualMaximum = Math.Max(actualMaximum, Math.Max(Math.Abs(r), Math.Max(Math.Abs(g), Math.Abs(b))));
            }

            int quantisedMaximum = (int)Math.Floor(Math.Max(0, Math.Min(82, Math.Floor(actualMaximum * 166 - 0.5))));
            maximumValue = (quantisedMaximum + 1) / 166.0;
            Base83(quantisedMaximum, hash.AsSpan(1, 1));
        }
        else
        {
            maximumValue = 1;
            Base83(0, hash.AsSpan(1, 1));
        }

        (double dcR, double dcG, double dcB) = factors[0];
        Base83((LinearToSrgb(dcR) << 16) + (LinearToSrgb(dcG) << 8) + LinearToSrgb(dcB), hash.AsSpan(2, 4));

        for (int k = 1; k < factors.Length; k++)
        {
            (double r, double g, double b) = factors[k];
            int value = QuantiseAc(r, maximumValue) * 19 * 19 + QuantiseAc(g, maximumValue) * 19 + QuantiseAc(b, maximumValue);
            Base83(value, hash.AsSpan(6 + 2 * (k - 1), 2));
        }

        return new string(hash);
    }

    /// <summary>Renders a hash as packed 8-bit sRGB triples; <paramref name="punch"/> scales the contrast.</summary>
    /// <exception cref="FormatException">The hash is not a valid BlurHash.</exception>
    public static byte[] Decode(string hash, int width, int height, double punch = 1)
    {
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (hash.Length < 6)
        {
            throw new FormatException("a BlurHash has at least 6 characters");
        }

        int sizeFlag = Base83Decode(hash.AsSpan(0, 1));
        int componentsY = sizeFlag / 9 + 1;
        int componentsX = sizeFlag % 9 + 1;
        if (hash.Length != 4 + 2 * componentsX * componentsY)
        {
            throw new FormatException(
                $"a {componentsX}×{componentsY} BlurHash has {4 + 2 * componentsX * componentsY} characters, not {hash.Length}");
        }

        double maximumValue = (Base83Decode(hash.AsSpan(1, 1)) + 1) / 166.0;
        var colors = new (double R, double G, double B)[componentsX * componentsY];
        int dc = Base83Decode(hash.AsSpan(2, 4));
        colors[0] = (SrgbToLinearTable[(dc >> 16) & 255], SrgbToLinearTable[(dc >> 8) & 255], SrgbToLinearTable[dc & 255]);
        for (int k = 1; k < colors.Length; k++)
        {
            int value = Base83Decode(hash.AsSpan(4 + k * 2, 2));
            double scale = maximumValue * punch;
            colors[k] = (
                SignPow((value / (19 * 19) - 9) / 9.0, 2) * scale,
                SignPow((value / 19 % 19 - 9) / 9.0, 2) * scale,
                SignPow((value % 19 - 9) / 9.0, 2) * scale);
        }

        var cosX = new double[width * componentsX];
        for (int x = 0; x < width; x++)
        {
            for (int i = 0; i < componentsX; i++)
            {
                cosX[x * componentsX + i] = Math.Cos(Math.PI * x * i / width);
            }
        }

        var pixels = new byte[checked(width * height * 3)];
        var cosY = new double[componentsY];
        for (int y = 0; y < height; y++)
        {
            for (int j = 0; j < componentsY; j++)
            {
                cosY[j] = Math.Cos(Math.PI * y * j / height);
            }

            for (int x = 0; x < width; x++)
            {
                double r = 0, g = 0, b = 0;
                for (int j = 0; j < componentsY; j++)
                {
                    for (int i = 0; i < componentsX; i++)
                    {
                        double basis = cosX[x * componentsX + i] * cosY[j];
                        (double cr, double cg, double cb) = colors[i + j * componentsX];
                        r += cr * basis;
                        g += cg * basis;
                        b += cb * basis;
                    }
                }

                int offset = 3 * (y * width + x);
                pixels[offset] = (byte)LinearToSrgb(r);
                pixels[offset + 1] = (byte)LinearToSrgb(g);
                pixels[offset + 2] = (byte)LinearToSrgb(b);
            }
        }

        return pixels;
    }

    private static int QuantiseAc(double value, double maximumValue) =>
        (int)Math.Floor(Math.Max(0, Math.Min(18, Math.Floor(SignPow(value / maximumValue, 0.5) * 9 + 9.5))));

    private static double SignPow(double value, double exponent) => Math.CopySign(Math.Pow(Math.Abs(value), exponent), value);

    private static int LinearToSrgb(double value)
    {
        double v = Math.Clamp(value, 0, 1);
        return v <= 0.0031308
            ? (int)Math.Truncate(v * 12.92 * 255 + 0.5)
            : (int)Math.Truncate((1.055 * Math.Pow(v, 1 / 2.4) - 0.055) * 255 + 0.5);
    }

    private static double[] BuildSrgbToLinearTable()
    {
        var table = new double[256];
        for (int i = 0; i < 256; i++)
        {
            double v = i / 255.0;
            table[i] = v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);
        }

        return table;
    }

    private static void Base83(int value, Span<char> destination)
    {
        for (int i = destination.Length - 1; i >= 0; i--)
        {
            destination[i] = Base83Alphabet[value % 83];
            value /= 83;
        }
    }

    private static int Base83Decode(ReadOnlySpan<char> text)
    {
        int value = 0;
        foreach (char c in text)
        {
            int digit = Base83Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (digit < 0)
            {
                throw new FormatException($"'{c}' is not a BlurHash character");
            }

            value = value * 83 + digit;
        }

        return value;
    }
}
