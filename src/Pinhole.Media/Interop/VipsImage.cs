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
    public byte[] SaveWebP(int quality)
    {
        int status = LibVips.vips_webpsave_buffer(
            handle, out GLibBuffer buffer, out nuint length, "Q", quality, "strip", 1, End);
        return Take(buffer, length, status == 0);
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
