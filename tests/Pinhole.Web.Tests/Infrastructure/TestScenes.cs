using System.Globalization;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Web.Tests.Infrastructure;

/// <summary>
/// Photos for the pages to show: landscapes drawn as SVG (sky, clouds, hills, houses, textured ground) and turned
/// into JPEG by libvips, in several palettes and shapes, so screenshots look like a feed and files have a
/// photo's texture rather than noise's.
/// </summary>
public static class TestScenes
{
    private sealed record Palette(string SkyTop, string SkyMiddle, string SkyBottom, string Far, string Near, string Ground, string Houses, string Sun);

    private static readonly Palette[] Palettes =
    [
        new("#1d3b6e", "#e9a15a", "#f6d28b", "#3b3f5c", "#2a4736", "#35603f", "#8c2f2b", "#fff3c4"),
        new("#2f80d1", "#8ec5f0", "#d8eefc", "#6d8fa8", "#4f7a4a", "#6a9a4f", "#c7553a", "#ffffff"),
        new("#0b0f2a", "#27305c", "#51427a", "#1c1f3a", "#141a2c", "#1e2a3a", "#3a3f63", "#f2f0d8"),
        new("#9cb7d1", "#dce6ee", "#f4f6f8", "#c3ccd6", "#e9eef2", "#f7f9fb", "#7a4b3a", "#fffbe6"),
        new("#0f5e8a", "#4fb0c6", "#bfe6ea", "#2f6f7a", "#1b4f6b", "#1d6f8f", "#e0c48a", "#fff6d0"),
        new("#5b2a6e", "#d0587e", "#f5a65b", "#40284f", "#2c2a3d", "#3a3b2a", "#1f1d1a", "#ffd37a"),
    ];

    /// <summary>A JPEG landscape; <paramref name="variant"/> picks palette and layout.</summary>
    public static async Task<byte[]> JpegAsync(int variant, int width = 1080, int height = 1350)
    {
        var svg = Path.Combine(Path.GetTempPath(), $"pinhole-scene-{Guid.NewGuid():N}.svg");
        var jpeg = Path.ChangeExtension(svg, ".jpg");
        await File.WriteAllTextAsync(svg, Svg(variant, width, height), TestContext.Current.CancellationToken);
        try
        {
            await TestImages.RunAsync("vips", "copy", svg, jpeg + "[Q=88]");
            return await File.ReadAllBytesAsync(jpeg, TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(svg);
            File.Delete(jpeg);
        }
    }

    private static string Svg(int variant, int width, int height)
    {
        var p = Palettes[variant % Palettes.Length];
        var shift = variant * 137 % 400 - 200;
        string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
        double X(double fraction) => width * fraction;
        double Y(double fraction) => height * fraction;
        return $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}">
              <defs>
                <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="{p.SkyTop}"/><stop offset="0.55" stop-color="{p.SkyMiddle}"/><stop offset="1" stop-color="{p.SkyBottom}"/></linearGradient>
                <filter id="grain"><feTurbulence type="fractalNoise" baseFrequency="0.9" numOctaves="2" seed="{variant}"/><feColorMatrix values="0 0 0 0 0  0 0 0 0 0  0 0 0 0 0  0 0 0 0.2 0"/><feComposite in2="SourceGraphic" operator="in"/></filter>
                <filter id="clouds"><feTurbulence type="fractalNoise" baseFrequency="0.004 0.02" numOctaves="4" seed="{variant + 7}"/><feColorMatrix values="0 0 0 0 1  0 0 0 0 1  0 0 0 0 1  0 0 0 1.4 -0.55"/></filter>
              </defs>
              <rect width="{width}" height="{height}" fill="url(#sky)"/>
              <rect width="{width}" height="{N(Y(0.52))}" filter="url(#clouds)"/>
              <circle cx="{N(X(0.55) + shift)}" cy="{N(Y(0.47))}" r="{N(Math.Min(width, height) * 0.085)}" fill="{p.Sun}"/>
              <polygon points="0,{N(Y(0.61))} {N(X(0.17))},{N(Y(0.44))} {N(X(0.31))},{N(Y(0.56))} {N(X(0.48) + shift / 2.0)},{N(Y(0.4))} {N(X(0.65))},{N(Y(0.58))} {N(X(0.81))},{N(Y(0.46))} {width},{N(Y(0.59))} {width},{height} 0,{height}" fill="{p.Far}"/>
              <polygon points="0,{N(Y(0.69))} {N(X(0.24))},{N(Y(0.58))} {N(X(0.44))},{N(Y(0.67))} {N(X(0.7))},{N(Y(0.56))} {width},{N(Y(0.68))} {width},{height} 0,{height}" fill="{p.Near}"/>
              <rect x="0" y="{N(Y(0.755))}" width="{width}" height="{N(Y(0.245))}" fill="{p.Ground}"/>
              <rect x="0" y="{N(Y(0.755))}" width="{width}" height="{N(Y(0.245))}" filter="url(#grain)" fill="#000"/>
              <g fill="{p.Houses}">
                <rect x="{N(X(0.13))}" y="{N(Y(0.665))}" width="{N(X(0.1))}" height="{N(Y(0.12))}"/>
                <rect x="{N(X(0.25))}" y="{N(Y(0.635))}" width="{N(X(0.075))}" height="{N(Y(0.15))}"/>
                <rect x="{N(X(0.76))}" y="{N(Y(0.65))}" width="{N(X(0.13))}" height="{N(Y(0.135))}"/>
              </g>
            </svg>
            """;
    }
}
