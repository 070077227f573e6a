// Design notes: how an uploaded photo becomes renditions.
//
// * Sniff, then header, then pixels. The file's first bytes decide its type (never its name or the declared MIME
//   type), and only the matching libvips loader may read it. The header alone gives the dimensions, so the pixel
//   limit is enforced before a single pixel is decoded: a 50000×50000 PNG "bomb" costs a few hundred bytes of I/O.
//
// * Shrink-on-load, once. The largest rendition is made with vips_thumbnail straight from the file, which lets the
//   decoder do most of the shrinking (libjpeg decodes at 1/2, 1/4 or 1/8 scale, libwebp scales while decoding;
//   PNG and GIF stream through the resize), reads the file in one sequential pass, and applies the EXIF
//   orientation and the colour conversion on the way. Memory stays near the size of the output, not the input. That one result is kept in memory (vips_image_copy_memory: a sequentially-read image cannot be
//   read twice, "out of order read") and every smaller rendition and the BlurHash are resized from it, so the file
//   is decoded exactly once however many renditions are asked for.
//
// * Colour. libvips 8.14's thumbnail ignores an embedded ICC profile unless an export profile is given, so for
//   files that carry one we ask for export_profile "srgb": Display P3 / Adobe RGB pixels are converted, not just
//   relabelled. Files without a profile are taken as sRGB already and skip the (costly) colour transform.
//
// * Metadata. The decoded image has every metadata item removed (EXIF with GPS and maker notes, XMP, IPTC, ICC,
//   comments) and every saver is also told to strip: belt and braces, because Debian 12's libvips 8.14.1 ignores
//   webpsave's strip and writes a fresh EXIF chunk anyway, which WebPContainer then cuts out. The outputs are
//   plain sRGB with nothing but pixels.
//
// * fail_on = truncated. By default libvips is forgiving: a JPEG cut in half loads, with the missing part grey.
//   For an upload that is the wrong answer: the person should learn their file is broken. "truncated" rejects
//   truncated and unreadable data. The stricter levels are worse here: "warning" rejects the harmless quirks many
//   cameras produce (libjpeg's "extraneous bytes before marker"), and in 8.14 "error" adds nothing for our JPEG
//   and PNG loaders except, in builds with libspng, turning the PNG checksum checks *off* (an 8.14 bug).
//
// * No operation cache, and untrusted loaders blocked (see LibVips.Initialize): the cache would hold decoded
//   pixels and open files of uploads long done, keyed by temp-file paths that get reused.
//
// * Threads. libvips is thread-safe; several uploads may be processed at once on different threads, each with its
//   own images. We leave libvips' per-pipeline concurrency at its default (one worker per core, or the
//   VIPS_CONCURRENCY variable) rather than calling vips_concurrency_set: measured on a 2-core machine, a 12 MP JPEG
//   to 8 renditions took 670–720 ms (medians of 20 runs) with the default and with 1 thread alike, and two photos
//   at once about 1.33 s either way, because what dominates (the JPEG decode, the WebP encode) is single-threaded.
//   How many photos run at once is the caller's decision.
using System.Globalization;
using Pinhole.Media.Interop;

namespace Pinhole.Media;

/// <summary>Turns an uploaded photo into upright, metadata-free sRGB renditions and a BlurHash.</summary>
public sealed class PhotoProcessor
{
    /// <summary>The long edge of the image BlurHash is computed from; it is a blur, so more would be wasted.</summary>
    private const int BlurHashSourceEdge = 32;

    private readonly long maxPixels;

    /// <param name="maxPixels">The largest image accepted, in pixels (width × height), e.g. 100_000_000.</param>
    public PhotoProcessor(long maxPixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        this.maxPixels = maxPixels;
        LibVips.EnsureInitialized();
    }

    /// <summary>Identifies the file and reads its dimensions (as displayed) from the header, decoding no pixels.</summary>
    /// <exception cref="MediaRejectedException">Not an image we accept, damaged, or over the pixel limit.</exception>
    public ImageHeader ReadHeader(string path)
    {
        OpenedPhoto photo = Open(path);
        return new ImageHeader(photo.Type, photo.DisplayWidth, photo.DisplayHeight);
    }

    /// <summary>Decodes the photo once and produces one output per spec, in the order given, plus its BlurHash.</summary>
    /// <exception cref="MediaRejectedException">Not an image we accept, damaged, or over the pixel limit.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; checked between steps.</exception>
    public PhotoResult Process(string path, IReadOnlyList<RenditionSpec> renditions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(renditions);
        foreach (RenditionSpec spec in renditions)
        {
            ArgumentNullException.ThrowIfNull(spec, nameof(renditions));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.MaxLongEdge, nameof(renditions));
            ArgumentOutOfRangeException.ThrowIfLessThan(spec.Quality, 1, nameof(renditions));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(spec.Quality, 100, nameof(renditions));
        }

        cancellationToken.ThrowIfCancellationRequested();
        OpenedPhoto photo = Open(path);

        // Sizes from largest to smallest; the largest is decoded from the file, the rest come from it.
        int[] edges = renditions.Select(spec => spec.MaxLongEdge).Distinct().OrderDescending().ToArray();
        int decodeEdge = edges.Length > 0 ? edges[0] : BlurHashSourceEdge;

        cancellationToken.ThrowIfCancellationRequested();
        using VipsImage decoded = photo.Decode(decodeEdge);

        var outputs = new Rendition[renditions.Count];
        VipsImage? resized = null; // the current smaller level, owned here; the decoded image is owned above
        try
        {
            foreach (int edge in edges)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (edge < Math.Max(decoded.Width, decoded.Height))
                {
                    resized?.Dispose();
                    resized = null;
                    resized = Pipeline(() => ResizeToMemory(decoded, edge));
                }

                VipsImage level = resized ?? decoded;
                for (int i = 0; i < renditions.Count; i++)
                {
                    RenditionSpec spec = renditions[i];
                    if (spec.MaxLongEdge == edge)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        byte[] bytes = Pipeline(() => Encode(level, spec));
                        outputs[i] = new Rendition(spec.Name, spec.Format, level.Width, level.Height, bytes);
                    }
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            VipsImage smallest = resized ?? decoded;
            string blurHash = Pipeline(() => ComputeBlurHash(smallest));
            return new PhotoResult(photo.DisplayWidth, photo.DisplayHeight, outputs, blurHash);
        }
        finally
        {
            resized?.Dispose();
        }
    }

    private OpenedPhoto Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        // libvips reads a trailing "[...]" in a file name as load options.
        if (path.EndsWith(']'))
        {
            throw new ArgumentException("libvips cannot open a path ending in ']'", nameof(path));
        }

        SniffedType type = SniffFile(path);
        string loader = LoaderFor(type);

        VipsImage header;
        try
        {
            header = VipsImage.OpenHeader(path);
        }
        catch (VipsException e)
        {
            throw new MediaRejectedException($"the {Describe(type)} image is damaged or truncated", e);
        }

        using (header)
        {
            // libvips picks its loader from the bytes too; insist that it agrees with us, so a file we took for a
            // JPEG is only ever parsed by the JPEG decoder.
            if (header.Loader != loader)
            {
                throw new MediaRejectedException($"the file looks like a {Describe(type)} image but cannot be read as one");
            }

            int width = header.Width;
            int height = header.Height;
            if ((long)width * height > maxPixels)
            {
                throw new MediaRejectedException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"image is {width}×{height} pixels, limit {DescribePixels(maxPixels)}"));
            }

            // HEIF loaders apply the rotation themselves and report orientation 1.
            bool swapsAxes = header.Orientation is >= 5 and <= 8;
            return new OpenedPhoto(
                path,
                type,
                swapsAxes ? height : width,
                swapsAxes ? width : height,
                header.HasIccProfile);
        }
    }

    private static SniffedType SniffFile(string path)
    {
        Span<byte> head = stackalloc byte[FileSniffer.HeadLength];
        int length;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1))
        {
            length = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (length == 0)
        {
            throw new MediaRejectedException("the file is empty");
        }

        SniffedType type = FileSniffer.Sniff(head[..length]);
        return type switch
        {
            SniffedType.Unknown => throw new MediaRejectedException("not an image or video"),
            SniffedType.Mp4 or SniffedType.QuickTime or SniffedType.WebM or SniffedType.ThreeGp =>
                throw new MediaRejectedException($"{Describe(type)} video is not supported yet"),
            _ => type,
        };
    }

    private static string LoaderFor(SniffedType type) => type switch
    {
        SniffedType.Jpeg => "jpegload",
        SniffedType.Png => "pngload",
        SniffedType.WebP => "webpload",
        SniffedType.Gif => "gifload",
        SniffedType.Heif or SniffedType.Avif => "heifload",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a still-image type"),
    };

    private static string Describe(SniffedType type) => type switch
    {
        SniffedType.Jpeg => "JPEG",
        SniffedType.Png => "PNG",
        SniffedType.WebP => "WebP",
        SniffedType.Gif => "GIF",
        SniffedType.Heif => "HEIF",
        SniffedType.Avif => "AVIF",
        SniffedType.Mp4 => "MP4",
        SniffedType.QuickTime => "QuickTime",
        SniffedType.WebM => "WebM",
        SniffedType.ThreeGp => "3GP",
        _ => "unknown",
    };

    private static string DescribePixels(long pixels) =>
        pixels % 1_000_000 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{pixels / 1_000_000} megapixels")
            : string.Create(CultureInfo.InvariantCulture, $"{pixels} pixels");

    private static VipsImage ResizeToMemory(VipsImage source, int edge)
    {
        using VipsImage resized = source.Thumbnail(edge);
        return resized.CopyMemory();
    }

    private static byte[] Encode(VipsImage image, RenditionSpec spec)
    {
        switch (spec.Format)
        {
            case OutputFormat.WebP:
                return WebPContainer.StripMetadata(image.SaveWebP(spec.Quality));
            case OutputFormat.Jpeg when image.HasAlpha:
                using (VipsImage flat = image.FlattenOnWhite())
                {
                    return flat.SaveJpeg(spec.Quality);
                }

            case OutputFormat.Jpeg:
                return image.SaveJpeg(spec.Quality);
            default:
                throw new ArgumentOutOfRangeException(nameof(spec), spec.Format, "unknown output format");
        }
    }

    private static string ComputeBlurHash(VipsImage image)
    {
        using VipsImage tiny = image.Thumbnail(BlurHashSourceEdge);
        using VipsImage? flattened = tiny.HasAlpha ? tiny.FlattenOnWhite() : null;
        using VipsImage rgb = (flattened ?? tiny).ToSrgb8();
        if (rgb.Bands != 3)
        {
            throw new VipsException($"expected 3 bands for BlurHash, got {rgb.Bands}");
        }

        return BlurHash.Encode(rgb.ToPixels(), rgb.Width, rgb.Height);
    }

    /// <summary>
    /// Runs a step on pixels that are already decoded in memory. A failure there is not the upload's fault (out of
    /// memory, a bug), so it surfaces as a server error rather than a rejection.
    /// </summary>
    private static T Pipeline<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (VipsException e)
        {
            throw new InvalidOperationException("libvips failed on an already decoded image: " + e.Message, e);
        }
    }

    /// <summary>A sniffed file whose header has been read and accepted.</summary>
    private sealed class OpenedPhoto(
        string path, SniffedType type, int displayWidth, int displayHeight, bool hasIccProfile)
    {
        public SniffedType Type => type;

        public int DisplayWidth => displayWidth;

        public int DisplayHeight => displayHeight;

        /// <summary>
        /// Decodes the whole file, shrinking on load to fit <paramref name="longEdge"/>, upright and in sRGB, into
        /// memory, with no metadata left on it. This is where damaged data is found.
        /// </summary>
        public VipsImage Decode(int longEdge)
        {
            try
            {
                using VipsImage streamed = VipsImage.Thumbnail(path, longEdge, applyEmbeddedProfile: hasIccProfile);
                using VipsImage decoded = streamed.CopyMemory();
                return decoded.WithoutMetadata();
            }
            catch (VipsException e)
            {
                throw new MediaRejectedException($"the {Describe(type)} image is damaged or truncated", e);
            }
        }
    }
}
