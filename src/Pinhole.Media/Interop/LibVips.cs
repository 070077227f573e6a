using System.Runtime.InteropServices;

namespace Pinhole.Media.Interop;

/// <summary>
/// The slice of libvips 8.14 that the photo pipeline uses.
/// </summary>
/// <remarks>
/// libvips takes optional arguments as C varargs (<c>name, value, ..., NULL</c>). .NET cannot call varargs
/// functions portably, so each argument shape we use is declared as its own fixed-arity overload. On x86-64
/// System V and on Linux arm64 (AAPCS64) variadic integer and pointer arguments travel exactly like fixed
/// ones, so this is sound as long as only int and pointer values are passed: we never pass a double (x86-64
/// would need <c>%al</c> set to the number of vector registers used, which a fixed-arity call does not do).
/// Where libvips wants doubles (a flatten background) it gets a <c>VipsArrayDouble*</c>, a pointer.
/// Apple arm64 passes variadic arguments on the stack and would need a different scheme.
/// </remarks>
internal static partial class LibVips
{
    private const string Library = "libvips.so.42";

    // Enum values from libvips/include/vips/*.h (8.14).
    internal const int AccessSequential = 1;      // VIPS_ACCESS_SEQUENTIAL
    internal const int SizeDown = 2;              // VIPS_SIZE_DOWN
    internal const int FailOnTruncated = 1;       // VIPS_FAIL_ON_TRUNCATED
    internal const int InterpretationSrgb = 22;   // VIPS_INTERPRETATION_sRGB
    internal const int FormatUchar = 0;           // VIPS_FORMAT_UCHAR
    internal const int FormatDouble = 9;          // VIPS_FORMAT_DOUBLE
    internal const int MathCos = 1;               // VIPS_OPERATION_MATH_COS (degrees)
    internal const int Math2Pow = 0;              // VIPS_OPERATION_MATH2_POW

    private static readonly Lazy<bool> Initialized = new(Initialize, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Starts libvips once per process, whichever thread asks first.</summary>
    internal static void EnsureInitialized() => _ = Initialized.Value;

    private static bool Initialize()
    {
        if (vips_init("pinhole") != 0)
        {
            throw new InvalidOperationException("libvips failed to start: " + TakeError());
        }

        // The operation cache keeps recent operations and their output images alive so that repeating an
        // identical call is free. A server never repeats one (every upload is a new file), so the cache would
        // only hold decoded pixels and open files after we are done with them, and it keys file loads on the
        // path, so a reused temp-file name could even be served stale pixels. Turn it off entirely.
        vips_cache_set_max(0);
        vips_cache_set_max_mem(0);
        vips_cache_set_max_files(0);

        // Loaders libvips marks untrusted (ImageMagick, PDF, JPEG 2000, JPEG XL, FITS, matrix...) are a large
        // attack surface and none of them is a format we accept; block them in case a file reaches libvips'
        // own format detection with bytes we did not expect.
        vips_block_untrusted_set(1);
        return true;
    }

    /// <summary>Takes (and clears) libvips' error text for the last failure.</summary>
    /// <remarks>
    /// The buffer is one per process. <c>vips_error_buffer_copy</c> copies and clears it under libvips' lock,
    /// which is the thread-safe form of <c>vips_error_buffer</c> + <c>vips_error_clear</c>; when two threads
    /// fail at the same instant one may still read both messages, which only affects the detail text.
    /// </remarks>
    internal static string TakeError()
    {
        IntPtr text = vips_error_buffer_copy();
        if (text == IntPtr.Zero)
        {
            return "unknown libvips error";
        }

        try
        {
            string message = (Marshal.PtrToStringUTF8(text) ?? string.Empty).Trim();
            return message.Length == 0 ? "unknown libvips error" : message;
        }
        finally
        {
            GLib.g_free(text);
        }
    }

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int vips_init(string argv0);

    [LibraryImport(Library)]
    private static partial void vips_cache_set_max(int max);

    [LibraryImport(Library)]
    private static partial void vips_cache_set_max_mem(nuint maxMem);

    [LibraryImport(Library)]
    private static partial void vips_cache_set_max_files(int maxFiles);

    [LibraryImport(Library)]
    private static partial void vips_block_untrusted_set(int state);

    [LibraryImport(Library)]
    private static partial IntPtr vips_error_buffer_copy();

    [LibraryImport(Library)]
    internal static partial void vips_area_unref(IntPtr area);

    [LibraryImport(Library)]
    internal static partial VipsArrayHandle vips_array_double_new([In] double[] array, int n);

    // ---- image header ----

    /// <summary><c>vips_image_new_from_file(name, "access", a, "fail_on", f, NULL)</c>: reads the header only.</summary>
    [LibraryImport(Library, EntryPoint = "vips_image_new_from_file", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial VipsImageHandle vips_image_new_from_file(
        string name, string accessName, int access, string failOnName, int failOn, IntPtr end);

    [LibraryImport(Library)]
    internal static partial int vips_image_get_width(VipsImageHandle image);

    [LibraryImport(Library)]
    internal static partial int vips_image_get_height(VipsImageHandle image);

    [LibraryImport(Library)]
    internal static partial int vips_image_get_bands(VipsImageHandle image);

    /// <summary>The EXIF orientation, 1 to 8; 1 when there is none.</summary>
    [LibraryImport(Library)]
    internal static partial int vips_image_get_orientation(VipsImageHandle image);

    [LibraryImport(Library)]
    internal static partial int vips_image_hasalpha(VipsImageHandle image);

    /// <summary>How many pages (frames, for GIF) the file holds; 1 when the loader does not say.</summary>
    [LibraryImport(Library)]
    internal static partial int vips_image_get_n_pages(VipsImageHandle image);

    /// <summary>The GType of a metadata item, 0 when the image has no such item.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial nuint vips_image_get_typeof(VipsImageHandle image, string name);

    /// <summary>Reads a string metadata item; the text stays owned by the image. Returns 0 on success.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_image_get_string(VipsImageHandle image, string name, out IntPtr value);

    /// <summary>Every field name of an image, core and metadata, as a NULL-terminated array freed with <c>g_strfreev</c>.</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr vips_image_get_fields(VipsImageHandle image);

    /// <summary>Removes a metadata item; returns FALSE (0) when there was none (core fields are never removed).</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_image_remove(VipsImageHandle image, string name);

    // ---- resizing and pixels ----

    /// <summary><c>vips_copy(in, &amp;out, NULL)</c>: a new image sharing the pixels, with its own metadata.</summary>
    [LibraryImport(Library)]
    internal static partial int vips_copy(VipsImageHandle input, out VipsImageHandle output, IntPtr end);

    /// <summary><c>vips_thumbnail(filename, &amp;out, width, "height", h, "size", s, "fail_on", f, NULL)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "vips_thumbnail", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_thumbnail(
        string filename, out VipsImageHandle output, int width,
        string heightName, int height, string sizeName, int size, string failOnName, int failOn, IntPtr end);

    /// <summary>As <see cref="vips_thumbnail"/>, plus <c>"export_profile", profile</c>.</summary>
    [LibraryImport(Library, EntryPoint = "vips_thumbnail", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_thumbnail_with_export_profile(
        string filename, out VipsImageHandle output, int width,
        string heightName, int height, string sizeName, int size, string failOnName, int failOn,
        string exportProfileName, string exportProfile, IntPtr end);

    /// <summary><c>vips_thumbnail_image(in, &amp;out, width, "height", h, "size", s, "no_rotate", b, NULL)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "vips_thumbnail_image", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_thumbnail_image(
        VipsImageHandle input, out VipsImageHandle output, int width,
        string heightName, int height, string sizeName, int size, string noRotateName, int noRotate, IntPtr end);

    /// <summary>Renders an image into memory; the result can be read any number of times, in any order.</summary>
    [LibraryImport(Library)]
    internal static partial VipsImageHandle vips_image_copy_memory(VipsImageHandle image);

    /// <summary><c>vips_flatten(in, &amp;out, "background", array, NULL)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "vips_flatten", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_flatten(
        VipsImageHandle input, out VipsImageHandle output, string backgroundName, VipsArrayHandle background, IntPtr end);

    /// <summary><c>vips_colourspace(in, &amp;out, space, NULL)</c>.</summary>
    [LibraryImport(Library)]
    internal static partial int vips_colourspace(VipsImageHandle input, out VipsImageHandle output, int space, IntPtr end);

    /// <summary><c>vips_cast(in, &amp;out, format, NULL)</c>.</summary>
    [LibraryImport(Library)]
    internal static partial int vips_cast(VipsImageHandle input, out VipsImageHandle output, int format, IntPtr end);

    /// <summary>Packs the pixels band-interleaved into a new buffer.</summary>
    [LibraryImport(Library)]
    internal static partial GLibBuffer vips_image_write_to_memory(VipsImageHandle image, out nuint size);

    // ---- colour and tone (the photo filters) ----

    /// <summary>A one-band double image holding a matrix, e.g. for <c>vips_recomb</c>.</summary>
    [LibraryImport(Library)]
    internal static partial VipsImageHandle vips_image_new_matrix_from_array(int width, int height, [In] double[] array, int size);

    /// <summary>An image over a copy of <paramref name="data"/>, band-interleaved.</summary>
    [LibraryImport(Library)]
    internal static partial VipsImageHandle vips_image_new_from_memory_copy(
        [In] byte[] data, nuint size, int width, int height, int bands, int format);

    /// <summary><c>vips_recomb(in, &amp;out, m, NULL)</c>: every pixel's bands multiplied by the matrix <paramref name="matrix"/>.</summary>
    [LibraryImport(Library)]
    internal static partial int vips_recomb(VipsImageHandle input, out VipsImageHandle output, VipsImageHandle matrix, IntPtr end);

    /// <summary><c>vips_maplut(in, &amp;out, lut, NULL)</c>: each band through its own band of a 256-entry table.</summary>
    [LibraryImport(Library)]
    internal static partial int vips_maplut(VipsImageHandle input, out VipsImageHandle output, VipsImageHandle lut, IntPtr end);

    /// <summary><c>vips_linear(in, &amp;out, a, b, n, NULL)</c>: <c>out = in * a + b</c> per band.</summary>
    [LibraryImport(Library)]
    internal static partial int vips_linear(
        VipsImageHandle input, out VipsImageHandle output, [In] double[] a, [In] double[] b, int n, IntPtr end);

    /// <summary><c>vips_xyz(&amp;out, width, height, NULL)</c>: a two-band image whose pixels are their own coordinates.</summary>
    [LibraryImport(Library)]
    internal static partial int vips_xyz(out VipsImageHandle output, int width, int height, IntPtr end);

    [LibraryImport(Library)]
    internal static partial int vips_multiply(VipsImageHandle left, VipsImageHandle right, out VipsImageHandle output, IntPtr end);

    [LibraryImport(Library)]
    internal static partial int vips_bandmean(VipsImageHandle input, out VipsImageHandle output, IntPtr end);

    /// <summary><c>vips_math(in, &amp;out, op, NULL)</c>; the trigonometric operations work in degrees.</summary>
    [LibraryImport(Library)]
    internal static partial int vips_math(VipsImageHandle input, out VipsImageHandle output, int operation, IntPtr end);

    [LibraryImport(Library)]
    internal static partial int vips_math2_const(
        VipsImageHandle input, out VipsImageHandle output, int operation, [In] double[] c, int n, IntPtr end);

    /// <summary><c>vips_extract_band(in, &amp;out, band, "n", n, NULL)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "vips_extract_band", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_extract_band(
        VipsImageHandle input, out VipsImageHandle output, int band, string countName, int count, IntPtr end);

    [LibraryImport(Library)]
    internal static partial int vips_bandjoin2(VipsImageHandle first, VipsImageHandle second, out VipsImageHandle output, IntPtr end);

    [LibraryImport(Library)]
    internal static partial int vips_extract_area(
        VipsImageHandle input, out VipsImageHandle output, int left, int top, int width, int height, IntPtr end);

    // ---- savers ----

    /// <summary><c>vips_jpegsave_buffer(in, &amp;buf, &amp;len, "Q", q, "strip", b, "optimize_coding", b, NULL)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "vips_jpegsave_buffer", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_jpegsave_buffer(
        VipsImageHandle input, out GLibBuffer buffer, out nuint length,
        string qualityName, int quality, string stripName, int strip, string optimizeName, int optimize, IntPtr end);

    /// <summary><c>vips_webpsave_buffer(in, &amp;buf, &amp;len, "Q", q, "strip", b, "effort", e, NULL)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "vips_webpsave_buffer", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_webpsave_buffer(
        VipsImageHandle input, out GLibBuffer buffer, out nuint length,
        string qualityName, int quality, string stripName, int strip, string effortName, int effort, IntPtr end);

    /// <summary>VipsForeignHeifCompression's AV1: heifsave writes AVIF.</summary>
    internal const int HeifCompressionAv1 = 4;

    /// <summary><c>vips_heifsave_buffer(in, &amp;buf, &amp;len, "Q", q, "compression", c, "strip", b, "effort", e, NULL)</c>.</summary>
    [LibraryImport(Library, EntryPoint = "vips_heifsave_buffer", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int vips_heifsave_buffer(
        VipsImageHandle input, out GLibBuffer buffer, out nuint length,
        string qualityName, int quality, string compressionName, int compression, string stripName, int strip, string effortName, int effort, IntPtr end);
}
