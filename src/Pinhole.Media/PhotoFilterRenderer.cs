using Pinhole.Media.Interop;

namespace Pinhole.Media;

/// <summary>Renders a <see cref="FilterRecipe"/> on a decoded photo with libvips (see the design note in Filters.cs).</summary>
internal static class PhotoFilterRenderer
{
    /// <summary>The filtered image, 8-bit sRGB, alpha (if any) untouched; the input stays valid.</summary>
    public static VipsImage Apply(VipsImage image, FilterRecipe recipe)
    {
        using VipsImage srgb = image.ToSrgb8();
        bool hasAlpha = srgb.Bands == 4;
        VipsImage current = srgb.ExtractBands(0, 3); // each step below disposes the one before
        try
        {
            if (recipe.HasMatrix)
            {
                using VipsImage mixed = current.Recombine(recipe.Matrix, rows: 3);
                using VipsImage rounded = mixed.Linear(1, 0.5); // the cast truncates; ffmpeg rounds each term
                Replace(ref current, rounded.CastUchar());
            }

            if (recipe.HasTone)
            {
                Replace(ref current, current.MapLut(recipe.ToneTable(), bands: 3));
            }

            if (recipe.Vignette > 0)
            {
                using VipsImage mask = VipsImage.VignetteMask(current.Width, current.Height, recipe.Vignette);
                using VipsImage darkened = current.Multiply(mask);
                Replace(ref current, darkened.CastUchar());
            }

            if (!hasAlpha)
            {
                return current;
            }

            using VipsImage alpha = srgb.ExtractBands(3, 1);
            using (current)
            {
                return current.BandJoin(alpha);
            }
        }
        catch
        {
            current.Dispose();
            throw;
        }
    }

    private static void Replace(ref VipsImage current, VipsImage next)
    {
        current.Dispose();
        current = next;
    }
}
