// Design notes: one filter, two renderers.
//
// A filter is data (FilterRecipe): a 3×3 colour matrix, then a tone curve per channel, then an optional vignette, all
// on 8-bit, gamma-encoded sRGB values, in that order. Every step was chosen because both libvips and ffmpeg have an
// operation that computes exactly it, so a filter looks the same on a photo and on a video frame:
//
//   step              photo (libvips 8.14)                      video (ffmpeg 5.1)
//   colour matrix     vips_recomb, rounded back to 8 bits       colorchannelmixer (rounds each term to 8 bits)
//   tone curves       vips_maplut with a 256-entry table        lutrgb with the same curve as an expression,
//                     computed here                             which ffmpeg also turns into a 256-entry table
//   vignette          cos⁴ mask from vips_xyz/vips_math,        vignette (same cos⁴ law, dither off)
//                     multiplied in
//
// Saturation, sepia, black and white and colour temperature are all matrices (saturation mixes each pixel with its
// Rec. 709 luma), so they fold into the one matrix; contrast (a smooth S-curve that keeps black and white fixed),
// brightness, gamma and "fade" (lifted blacks, dimmed whites) are all tone curves. ffmpeg's eq/hue/curves filters
// were not used: eq and hue work in YUV, and curves interpolates its points with a spline that libvips has no twin of.
//
// The tone curve, x in [0, 1]:  g = x^(1/gamma);  s = g − contrast·sin(2πg)/2π;  y = black + (white − black)·(s + brightness)
// and out = round(255·clamp(y, 0, 1)). The sine S-curve has slope 1 + contrast at mid-grey and 1 − contrast at the ends.
using System.Globalization;
using System.Text;

namespace Pinhole.Media;

/// <summary>A photo and video filter as shown to people: a stable lowercase id, a display name, one line of description.</summary>
public sealed record FilterInfo(string Id, string Name, string Description);

/// <summary>The catalogue of filters. The same id gives the same look on photos and on videos.</summary>
public static class Filters
{
    private static readonly FilterRecipe[] Recipes =
    [
        new("vivid", "Vivid", "Punchy colour and contrast, for food and landscapes")
        {
            Matrix = ColourMatrix.Saturation(1.35),
            Tone = new Tone(Contrast: 0.35),
        },
        new("warm", "Warm", "Golden-hour warmth with softened shadows")
        {
            Matrix = ColourMatrix.Multiply(ColourMatrix.Scale(1.08, 1.0, 0.86), ColourMatrix.Saturation(1.1)),
            Tone = new Tone(Contrast: 0.1, Black: 0.03),
        },
        new("cool", "Cool", "Crisp blue tint, bright and clean")
        {
            Matrix = ColourMatrix.Multiply(ColourMatrix.Scale(0.9, 1.0, 1.1), ColourMatrix.Saturation(0.95)),
            Tone = new Tone(Contrast: 0.15, Brightness: 0.02),
        },
        new("fade", "Fade", "Washed-out, low-contrast film look")
        {
            Matrix = ColourMatrix.Saturation(0.75),
            Tone = new Tone(Contrast: -0.15, Black: 0.12, White: 0.95),
        },
        new("mono", "Mono", "High-contrast black and white")
        {
            Matrix = ColourMatrix.Saturation(0),
            Tone = new Tone(Contrast: 0.5),
        },
        new("noir", "Noir", "Dark, dramatic black and white with a vignette")
        {
            Matrix = ColourMatrix.Saturation(0),
            Tone = new Tone(Gamma: 0.85, Contrast: 0.7),
            Vignette = Math.PI / 4,
        },
        new("vintage", "Vintage", "Faded warm print with darkened corners")
        {
            Matrix = ColourMatrix.Mix(ColourMatrix.Sepia, 0.35),
            Red = new Tone(Gamma: 1.08, Black: 0.08, White: 0.95),
            Green = new Tone(Black: 0.06, White: 0.93),
            Blue = new Tone(Gamma: 0.92, Black: 0.1, White: 0.88),
            Vignette = Math.PI / 5,
        },
        new("sepia", "Sepia", "Old-photograph brown tones")
        {
            Matrix = ColourMatrix.Sepia,
            Tone = new Tone(Contrast: 0.1, Black: 0.02),
        },
        new("bright", "Bright", "Lifted, airy and light")
        {
            Matrix = ColourMatrix.Multiply(ColourMatrix.Scale(0.97, 1.0, 1.04), ColourMatrix.Saturation(0.95)),
            Tone = new Tone(Gamma: 1.2, Contrast: 0.1, Brightness: 0.03),
        },
        new("lofi", "Lo-Fi", "Saturated, contrasty and vignetted")
        {
            Matrix = ColourMatrix.Saturation(1.5),
            Tone = new Tone(Contrast: 0.55),
            Vignette = Math.PI / 5,
        },
    ];

    private static readonly Dictionary<string, FilterRecipe> ById = Recipes.ToDictionary(r => r.Id, StringComparer.Ordinal);

    /// <summary>Every filter, in the order to show them.</summary>
    public static IReadOnlyList<FilterInfo> All { get; } =
        Recipes.Select(r => new FilterInfo(r.Id, r.Name, r.Description)).ToArray();

    public static bool Exists(string id) => ById.ContainsKey(id);

    /// <summary>The filter's display information.</summary>
    /// <exception cref="ArgumentException">No such filter.</exception>
    public static FilterInfo Get(string id) => All.First(f => f.Id == Recipe(id).Id);

    /// <summary>
    /// The ffmpeg filter chain (for <c>-vf</c> or inside <c>-filter_complex</c>) that renders the filter on video
    /// frames; it ends in <c>yuv420p</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No such filter.</exception>
    public static string FfmpegChain(string id) => Recipe(id).FfmpegChain();

    internal static FilterRecipe Recipe(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return ById.TryGetValue(id, out FilterRecipe? recipe)
            ? recipe
            : throw new ArgumentException($"unknown filter \"{id}\"", nameof(id));
    }
}

/// <summary>A per-channel tone curve on values scaled to [0, 1]; see the design note at the top of this file.</summary>
internal readonly record struct Tone(
    double Gamma = 1, double Contrast = 0, double Brightness = 0, double Black = 0, double White = 1)
{
    public bool IsIdentity => Gamma == 1 && Contrast == 0 && Brightness == 0 && Black == 0 && White == 1;

    /// <summary>The 8-bit output for an 8-bit input, exactly as ffmpeg's lutrgb computes it from <see cref="FfmpegExpression"/>.</summary>
    public byte Apply(int value)
    {
        double g = Math.Pow(value / 255.0, 1 / Gamma);
        double s = g - (Contrast / (2 * Math.PI) * Math.Sin(2 * Math.PI * g));
        double y = Black + ((White - Black) * (s + Brightness));
        return (byte)(int)(Math.Clamp(255 * y, 0, 255) + 0.5);
    }

    /// <summary>The curve in ffmpeg's expression language, over lutrgb's <c>val</c> (0–255).</summary>
    public string FfmpegExpression()
    {
        if (IsIdentity)
        {
            return "val";
        }

        string g = $"pow(val/255,{Number(1 / Gamma)})";
        return $"clip(255*({Number(Black)}+{Number(White - Black)}*({g}-{Number(Contrast / (2 * Math.PI))}*sin(2*PI*{g})+{Number(Brightness)})),0,255)+0.5";
    }

    internal static string Number(double value) => value.ToString("0.##########", CultureInfo.InvariantCulture);
}

/// <summary>Row-major 3×3 matrices over (R, G, B).</summary>
internal static class ColourMatrix
{
    // Rec. 709 luma weights, those of sRGB's primaries.
    private const double Lr = 0.2126, Lg = 0.7152, Lb = 0.0722;

    public static readonly double[] Identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];

    /// <summary>The classic sepia-tone matrix.</summary>
    public static readonly double[] Sepia = [0.393, 0.769, 0.189, 0.349, 0.686, 0.168, 0.272, 0.534, 0.131];

    /// <summary>Mixes each colour with its luma: 0 is greyscale, 1 unchanged, above 1 more saturated.</summary>
    public static double[] Saturation(double s) =>
    [
        Lr + ((1 - Lr) * s), Lg * (1 - s), Lb * (1 - s),
        Lr * (1 - s), Lg + ((1 - Lg) * s), Lb * (1 - s),
        Lr * (1 - s), Lg * (1 - s), Lb + ((1 - Lb) * s),
    ];

    public static double[] Scale(double r, double g, double b) => [r, 0, 0, 0, g, 0, 0, 0, b];

    /// <summary><paramref name="amount"/> of <paramref name="matrix"/>, the rest identity.</summary>
    public static double[] Mix(double[] matrix, double amount) =>
        matrix.Select((m, i) => (amount * m) + ((1 - amount) * Identity[i])).ToArray();

    /// <summary><paramref name="first"/> applied after <paramref name="second"/>.</summary>
    public static double[] Multiply(double[] first, double[] second)
    {
        var product = new double[9];
        for (int row = 0; row < 3; row++)
        {
            for (int column = 0; column < 3; column++)
            {
                for (int k = 0; k < 3; k++)
                {
                    product[(row * 3) + column] += first[(row * 3) + k] * second[(k * 3) + column];
                }
            }
        }

        return product;
    }
}

/// <summary>A filter as data; rendered by <see cref="PhotoFilterRenderer"/> for photos and <see cref="FfmpegChain"/> for video.</summary>
internal sealed record FilterRecipe(string Id, string Name, string Description)
{
    public double[] Matrix { get; init; } = ColourMatrix.Identity;

    /// <summary>Sets the same curve on all three channels.</summary>
    public Tone Tone
    {
        init => (Red, Green, Blue) = (value, value, value);
    }

    public Tone Red { get; init; }

    public Tone Green { get; init; }

    public Tone Blue { get; init; }

    /// <summary>The vignette's lens angle in radians (ffmpeg's <c>angle</c>, at most π/2); 0 for none.</summary>
    public double Vignette { get; init; }

    public bool HasMatrix => !Matrix.SequenceEqual(ColourMatrix.Identity);

    public bool HasTone => !(Red.IsIdentity && Green.IsIdentity && Blue.IsIdentity);

    /// <summary>The three curves as one band-interleaved 256-entry table (R, G, B, R, G, B, ...).</summary>
    public byte[] ToneTable()
    {
        var table = new byte[256 * 3];
        for (int value = 0; value < 256; value++)
        {
            table[value * 3] = Red.Apply(value);
            table[(value * 3) + 1] = Green.Apply(value);
            table[(value * 3) + 2] = Blue.Apply(value);
        }

        return table;
    }

    /// <summary>The ffmpeg filter chain, ending in <paramref name="outputPixelFormat"/>.</summary>
    public string FfmpegChain(string outputPixelFormat = "yuv420p")
    {
        var chain = new StringBuilder("format=rgb24");
        if (HasMatrix)
        {
            double[] m = Matrix;
            chain.Append(CultureInfo.InvariantCulture,
                $",colorchannelmixer=rr={N(m[0])}:rg={N(m[1])}:rb={N(m[2])}:gr={N(m[3])}:gg={N(m[4])}:gb={N(m[5])}:br={N(m[6])}:bg={N(m[7])}:bb={N(m[8])}");
        }

        if (HasTone)
        {
            chain.Append(CultureInfo.InvariantCulture,
                $",lutrgb=r='{Red.FfmpegExpression()}':g='{Green.FfmpegExpression()}':b='{Blue.FfmpegExpression()}'");
        }

        if (Vignette > 0)
        {
            chain.Append(CultureInfo.InvariantCulture, $",vignette=angle={N(Vignette)}:dither=0");
        }

        return chain.Append(",format=").Append(outputPixelFormat).ToString();

        static string N(double value) => Tone.Number(value);
    }
}
