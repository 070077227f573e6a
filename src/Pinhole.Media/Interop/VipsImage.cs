using System.Runtime.InteropServices;

namespace Pinhole.Media.Interop;

/// <summary>A libvips failure, with libvips' own (technical) error text.</summary>
/// <remarks>Never leaves this assembly bare: the pipeline wraps it in a <see cref="MediaRejectedException"/> when the
/// input is to blame, or an <see cref="InvalidOperationException"/> when it is not.</remarks>
internal sealed class VipsException(string message) : Exception(message);

/// <summary>
/// One reference to a <c>VipsImage</c>, with the few operations the photo pipeline needs. Every method that
/// makes a new image returns a new owner; disposing one never invalidates another (libvips images keep
/// references to the images they are computed from).
/// </summary>
internal sealed class VipsImage : IDisposable
{
    private static readonly IntPtr End = IntPtr.Zero;

    private readonly VipsImageHandle handle;

    private VipsImage(VipsImageHandle handle) => this.handle = handle;

    public int Width => LibVips.vips_image_get_width(handle);

    public int Height => LibVips.vips_image_get_height(handle);

    public int Bands => LibVips.vips_image_get_bands(handle);

    /// <summary>EXIF orientation 1–8 (1 when absent).</summary>
    public int Orientation => LibVips.vips_image_get_orientation(handle);

    public bool HasAlpha => LibVips.vips_image_hasalpha(handle) != 0;

    /// <summary>Pages (GIF frames) in the file this image was opened from; 1 when the loader does not say.</summary>
    public int Pages => Math.Max(1, LibVips.vips_image_get_n_pages(handle));

    public bool HasIccProfile => LibVips.vips_image_get_typeof(handle, "icc-profile-data") != 0;

    /// <summary>The libvips loader that read the file, e.g. <c>jpegload</c>.</summary>
    public string? Loader =>
        LibVips.vips_image_get_string(handle, "vips-loader", out IntPtr value) == 0
            ? Marshal.PtrToStringUTF8(value)
            : null;

    /// <summary>Opens a file for sequential reading. Only the header is read now; pixels are decoded on demand.</summary>
    public static VipsImage OpenHeader(string path)
    {
        VipsImageHandle image = LibVips.vips_image_new_from_file(
            path, "access", LibVips.AccessSequential, "fail_on", LibVips.FailOnTruncated, End);
        return Wrap(image, succeeded: !image.IsInvalid);
    }

    /// <summary>
    /// Shrink-on-load from a file to fit <paramref name="longEdge"/> (never enlarging), upright by EXIF
    /// orientation. With <paramref name="applyEmbeddedProfile"/>, the embedded ICC profile is used to convert the
    /// pixels to sRGB (libvips 8.14 otherwise ignores it and just relabels the pixels as sRGB).
    /// </summary>
    public static VipsImage Thumbnail(string path, int longEdge, bool applyEmbeddedProfile)
    {
        int status;
        VipsImageHandle image;
        if (applyEmbeddedProfile)
        {
            status = LibVips.vips_thumbnail_with_export_profile(
                path, out image, longEdge, "height", longEdge, "size", LibVips.SizeDown,
                "fail_on", LibVips.FailOnTruncated, "export_profile", "srgb", End);
        }
        else
        {
            status = LibVips.vips_thumbnail(
                path, out image, longEdge, "height", longEdge, "size", LibVips.SizeDown,
                "fail_on", LibVips.FailOnTruncated, End);
        }

        return Wrap(image, status == 0);
    }

    /// <summary>Resizes an (already upright) image to fit <paramref name="longEdge"/>, never enlarging.</summary>
    public VipsImage Thumbnail(int longEdge)
    {
        int status = LibVips.vips_thumbnail_image(
            handle, out VipsImageHandle image, longEdge, "height", longEdge, "size", LibVips.SizeDown,
            "no_rotate", 1, End);
        return Wrap(image, status == 0);
    }

    /// <summary>Computes every pixel now and keeps them in memory, so the result can be read many times.</summary>
    public VipsImage CopyMemory()
    {
        VipsImageHandle image = LibVips.vips_image_copy_memory(handle);
        return Wrap(image, succeeded: !image.IsInvalid);
    }

    /// <summary>
    /// A copy of this image (sharing its pixels) with every metadata item removed: EXIF (and the exif-* fields
    /// libvips would rebuild EXIF from), XMP, IPTC, ICC, comments, orientation, page layout...
    /// </summary>
    /// <remarks>
    /// The savers' <c>strip</c> should be enough, but libvips 8.14.1 (the version Debian 12 ships) ignores
    /// <c>strip</c> in webpsave and writes EXIF with GPS, XMP and ICC anyway (fixed in 8.14.2, libvips commit
    /// fe203d72). Removing the metadata from the image itself protects every saver, whatever its version.
    /// </remarks>
    public VipsImage WithoutMetadata()
    {
        int status = LibVips.vips_copy(handle, out VipsImageHandle copy, End);
        VipsImage clean = Wrap(copy, status == 0);
        IntPtr fields = LibVips.vips_image_get_fields(clean.handle);
        try
        {
            for (int i = 0; fields != IntPtr.Zero; i++)
            {
                IntPtr name = Marshal.ReadIntPtr(fields, i * IntPtr.Size);
                if (name == IntPtr.Zero)
                {
                    break;
                }

                _ = LibVips.vips_image_remove(clean.handle, Marshal.PtrToStringUTF8(name)!);
            }
        }
        finally
        {
            GLib.g_strfreev(fields);
        }

        return clean;
    }

    /// <summary>Composites the alpha channel onto white and drops it. The image must be 8-bit.</summary>
    public VipsImage FlattenOnWhite()
    {
        using VipsArrayHandle white = LibVips.vips_array_double_new([255.0], 1);
        int status = LibVips.vips_flatten(handle, out VipsImageHandle image, "background", white, End);
        return Wrap(image, status == 0);
    }

    /// <summary>Converts to 8-bit sRGB (greyscale becomes three bands).</summary>
    public VipsImage ToSrgb8()
    {
        int status = LibVips.vips_colourspace(handle, out VipsImageHandle srgb, LibVips.InterpretationSrgb, End);
        using VipsImage converted = Wrap(srgb, status == 0);
        status = LibVips.vips_cast(converted.handle, out VipsImageHandle image, LibVips.FormatUchar, End);
        return Wrap(image, status == 0);
    }

    /// <summary>Encodes as baseline JPEG with every metadata block stripped.</summary>
    public byte[] SaveJpeg(int quality)
    {
        int status = LibVips.vips_jpegsave_buffer(
            handle, out GLibBuffer buffer, out nuint length, "Q", quality, "strip", 1, "optimize_coding", 1, End);
        return Take(buffer, length, status == 0);
    }

    /// <summary>Encodes as lossy WebP (alpha kept) with every metadata block stripped.</summary>
    /// <param name="effort">libwebp's method, 0 (fastest) to 6 (smallest files); libvips' default is 4.</param>
    public byte[] SaveWebP(int quality, int effort)
    {
        int status = LibVips.vips_webpsave_buffer(
            handle, out GLibBuffer buffer, out nuint length, "Q", quality, "strip", 1, "effort", effort, End);
        return Take(buffer, length, status == 0);
    }

    /// <summary>Encodes as AVIF (AV1 in HEIF) with every metadata block stripped.</summary>
    /// <param name="effort">libheif's CPU effort, 0 (fastest) to 9 (smallest files).</param>
    public byte[] SaveAvif(int quality, int effort)
    {
        int status = LibVips.vips_heifsave_buffer(
            handle, out GLibBuffer buffer, out nuint length, "Q", quality, "compression", LibVips.HeifCompressionAv1, "strip", 1, "effort", effort, End);
        return Take(buffer, length, status == 0);
    }

    /// <summary>
    /// Resizes so that the short edge is exactly <paramref name="shortEdge"/> (or stays as it is when already smaller).
    /// </summary>
    public VipsImage ThumbnailShortEdge(int shortEdge)
    {
        // Bound the long side generously and the short side exactly: thumbnail takes the larger shrink, which is the
        // short side's, and rounds that side to the bound.
        const int Unbounded = 10_000_000;
        bool landscape = Width >= Height;
        int status = LibVips.vips_thumbnail_image(
            handle, out VipsImageHandle image, landscape ? Unbounded : shortEdge,
            "height", landscape ? shortEdge : Unbounded, "size", LibVips.SizeDown, "no_rotate", 1, End);
        return Wrap(image, status == 0);
    }

    public VipsImage ExtractArea(int left, int top, int width, int height)
    {
        int status = LibVips.vips_extract_area(handle, out VipsImageHandle image, left, top, width, height, End);
        return Wrap(image, status == 0);
    }

    public VipsImage ExtractBands(int first, int count)
    {
        int status = LibVips.vips_extract_band(handle, out VipsImageHandle image, first, "n", count, End);
        return Wrap(image, status == 0);
    }

    public VipsImage BandJoin(VipsImage other)
    {
        int status = LibVips.vips_bandjoin2(handle, other.handle, out VipsImageHandle image, End);
        return Wrap(image, status == 0);
    }

    /// <summary>Each pixel's bands multiplied by a row-major matrix with as many columns as this image has bands.</summary>
    public VipsImage Recombine(double[] matrix, int rows)
    {
        using VipsImage m = Wrap(
            LibVips.vips_image_new_matrix_from_array(matrix.Length / rows, rows, matrix, matrix.Length), succeeded: true);
        int status = LibVips.vips_recomb(handle, out VipsImageHandle image, m.handle, End);
        return Wrap(image, status == 0);
    }

    /// <summary><c>out = in * a + b</c>, the same constants for every band.</summary>
    public VipsImage Linear(double a, double b)
    {
        int status = LibVips.vips_linear(handle, out VipsImageHandle image, [a], [b], 1, End);
        return Wrap(image, status == 0);
    }

    /// <summary>Looks each band up in its own band of a 256-entry, band-interleaved 8-bit table.</summary>
    public VipsImage MapLut(byte[] table, int bands)
    {
        using VipsImage lut = Wrap(
            LibVips.vips_image_new_from_memory_copy(table, (nuint)table.Length, 256, 1, bands, LibVips.FormatUchar),
            succeeded: true);
        int status = LibVips.vips_maplut(handle, out VipsImageHandle image, lut.handle, End);
        return Wrap(image, status == 0);
    }

    public VipsImage Multiply(VipsImage other)
    {
        int status = LibVips.vips_multiply(handle, other.handle, out VipsImageHandle image, End);
        return Wrap(image, status == 0);
    }

    /// <summary>Casts to 8 bits, clipping to 0–255.</summary>
    public VipsImage CastUchar()
    {
        int status = LibVips.vips_cast(handle, out VipsImageHandle image, LibVips.FormatUchar, End);
        return Wrap(image, status == 0);
    }

    /// <summary>
    /// A one-band float image the size of <paramref name="width"/> × <paramref name="height"/> whose value falls from 1
    /// at the centre as cos⁴(angle × d / dmax), d the distance from the centre and dmax half the diagonal: the natural
    /// vignetting law, the same one ffmpeg's <c>vignette</c> filter uses.
    /// </summary>
    public static VipsImage VignetteMask(int width, int height, double angle)
    {
        double dmax = Math.Sqrt((width / 2.0 * (width / 2.0)) + (height / 2.0 * (height / 2.0)));
        int status = LibVips.vips_xyz(out VipsImageHandle xyzHandle, width, height, End);
        using VipsImage xyz = Wrap(xyzHandle, status == 0);
        status = LibVips.vips_linear(xyz.handle, out VipsImageHandle centredHandle, [1.0, 1.0], [-width / 2.0, -height / 2.0], 2, End);
        using VipsImage centred = Wrap(centredHandle, status == 0);
        using VipsImage squares = centred.Multiply(centred);
        status = LibVips.vips_bandmean(squares.handle, out VipsImageHandle meanHandle, End);
        using VipsImage mean = Wrap(meanHandle, status == 0);      // (dx² + dy²) / 2
        status = LibVips.vips_math2_const(mean.handle, out VipsImageHandle rootHandle, LibVips.Math2Pow, [0.5], 1, End);
        using VipsImage root = Wrap(rootHandle, status == 0);      // d / √2
        using VipsImage degrees = root.Linear(Math.Sqrt(2) * angle / dmax * 180 / Math.PI, 0);
        status = LibVips.vips_math(degrees.handle, out VipsImageHandle cosineHandle, LibVips.MathCos, End);
        using VipsImage cosine = Wrap(cosineHandle, status == 0);
        status = LibVips.vips_math2_const(cosine.handle, out VipsImageHandle maskHandle, LibVips.Math2Pow, [4.0], 1, End);
        return Wrap(maskHandle, status == 0);
    }

    /// <summary>The pixels, band-interleaved, in the image's own format.</summary>
    public byte[] ToPixels()
    {
        GLibBuffer buffer = LibVips.vips_image_write_to_memory(handle, out nuint length);
        return Take(buffer, length, succeeded: !buffer.IsInvalid);
    }

    public void Dispose() => handle.Dispose();

    private static VipsImage Wrap(VipsImageHandle image, bool succeeded)
    {
        if (succeeded && !image.IsInvalid)
        {
            return new VipsImage(image);
        }

        image.Dispose();
        throw new VipsException(LibVips.TakeError());
    }

    private static byte[] Take(GLibBuffer buffer, nuint length, bool succeeded)
    {
        using (buffer)
        {
            if (!succeeded || buffer.IsInvalid)
            {
                throw new VipsException(LibVips.TakeError());
            }

            var bytes = new byte[checked((int)length)];
            Marshal.Copy(buffer.DangerousGetHandle(), bytes, 0, bytes.Length);
            return bytes;
        }
    }
}
