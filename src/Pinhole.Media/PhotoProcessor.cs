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
    private readonly int webPEffort;

    /// <param name="maxPixels">The largest image accepted, in pixels (width × height), e.g. 100_000_000.</param>
    public PhotoProcessor(long maxPixels)
        : this(maxPixels, DefaultWebPEffort)
    {
    }

    /// <param name="maxPixels">The largest image accepted, in pixels (width × height), e.g. 100_000_000.</param>
    /// <param name="webPEffort">libwebp's method, 0 (fastest, larger files) to 6 (slowest, smallest).</param>
    public PhotoProcessor(long maxPixels, int webPEffort)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPixels);
        ArgumentOutOfRangeException.ThrowIfNegative(webPEffort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(webPEffort, 6);
        this.maxPixels = maxPixels;
        this.webPEffort = webPEffort;
        LibVips.EnsureInitialized();
    }

    /// <summary>libvips' own default WebP effort (method) until measured otherwise.</summary>
    public const int DefaultWebPEffort = 4;

    /// <summary>Identifies the file and reads its dimensions (as displayed) from the header, decoding no pixels.</summary>
    /// <exception cref="MediaRejectedException">Not an image we accept, damaged, or over the pixel limit.</exception>
    public ImageHeader ReadHeader(string path)
    {
        OpenedPhoto photo = Open(path);
        return new ImageHeader(photo.Type, photo.DisplayWidth, photo.DisplayHeight) { Frames = photo.Frames };
    }

    /// <summary>Decodes the photo once and produces one output per spec, in the order given, plus its BlurHash.</summary>
    /// <exception cref="MediaRejectedException">Not an image we accept, damaged, or over the pixel limit.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; checked between steps.</exception>
    public PhotoResult Process(string path, IReadOnlyList<RenditionSpec> renditions, CancellationToken cancellationToken) =>
        Process(path, renditions, PhotoEdits.None, cancellationToken);

    /// <summary>
    /// Decodes the photo once, applies the filter in <paramref name="edits"/> (if any), and produces one output per spec,
    /// in the order given, plus its BlurHash (of the filtered picture). Square specs are cropped around the focus point.
    /// </summary>
    /// <exception cref="MediaRejectedException">Not an image we accept, damaged, or over the pixel limit.</exception>
    /// <exception cref="ArgumentException">A spec is invalid or the filter does not exist.</exception>
    /// <exception cref="OperationCanceledException">Cancelled; checked between steps.</exception>
    public PhotoResult Process(
        string path, IReadOnlyList<RenditionSpec> renditions, PhotoEdits edits, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(renditions);
        ArgumentNullException.ThrowIfNull(edits);
        foreach (RenditionSpec spec in renditions)
        {
            ArgumentNullException.ThrowIfNull(spec, nameof(renditions));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.MaxLongEdge, nameof(renditions));
            ArgumentOutOfRangeException.ThrowIfLessThan(spec.Quality, 1, nameof(renditions));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(spec.Quality, 100, nameof(renditions));
        }

        FilterRecipe? recipe = edits.Filter is null ? null : Filters.Recipe(edits.Filter);
        cancellationToken.ThrowIfCancellationRequested();
        OpenedPhoto photo = Open(path);

        cancellationToken.ThrowIfCancellationRequested();
        using VipsImage decoded = photo.Decode(DecodeEdge(renditions, photo.DisplayWidth, photo.DisplayHeight));
        using VipsImage? filtered = recipe is null ? null : Pipeline(() => FilterToMemory(decoded, recipe));
        VipsImage full = filtered ?? decoded;

        // Every smaller picture is resized from the nearest larger one already in memory: one decode, and each
        // resize reads as few pixels as it can.
        var owned = new List<VipsImage>();
        try
        {
            var fitLevels = new Dictionary<int, VipsImage>();
            VipsImage previous = full;
            foreach (int edge in renditions.Where(s => s.Shape == RenditionShape.Fit).Select(s => s.MaxLongEdge).Distinct().OrderDescending())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (edge < Math.Max(previous.Width, previous.Height))
                {
                    VipsImage source = previous;
                    previous = Pipeline(() => ResizeToMemory(source, edge));
                    owned.Add(previous);
                }

                fitLevels[edge] = previous;
            }

            var squares = new Dictionary<int, VipsImage>();
            foreach (int size in renditions.Where(s => s.Shape == RenditionShape.Square).Select(s => s.MaxLongEdge).Distinct())
            {
                cancellationToken.ThrowIfCancellationRequested();
                VipsImage source = fitLevels.Values.Prepend(full)
                    .Where(level => Math.Min(level.Width, level.Height) >= size)
                    .MinBy(level => level.Width) ?? full;
                VipsImage square = Pipeline(() => SquareToMemory(source, size, edits.Focus));
                owned.Add(square);
                squares[size] = square;
            }

            var outputs = new Rendition[renditions.Count];
            for (int i = 0; i < renditions.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                RenditionSpec spec = renditions[i];
                VipsImage level = spec.Shape == RenditionShape.Square ? squares[spec.MaxLongEdge] : fitLevels[spec.MaxLongEdge];
                byte[] bytes = Pipeline(() => Encode(level, spec));
                outputs[i] = new Rendition(spec.Name, spec.Format, level.Width, level.Height, bytes);
            }

            cancellationToken.ThrowIfCancellationRequested();
            VipsImage smallest = fitLevels.Count > 0 ? previous : full;
            string blurHash = Pipeline(() => ComputeBlurHash(smallest));
            return new PhotoResult(photo.DisplayWidth, photo.DisplayHeight, outputs, blurHash);
        }
        finally
        {
            foreach (VipsImage image in owned)
            {
                image.Dispose();
            }
        }
    }

    /// <summary>
    /// Renders the sample photo once per filter as a small centred square, for a filter picker. The sample is decoded
    /// once.
    /// </summary>
    /// <exception cref="MediaRejectedException">The sample is not an image we accept.</exception>
    public IReadOnlyList<FilterPreview> PreviewFilters(
        string samplePath, int size, OutputFormat format, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        OpenedPhoto photo = Open(samplePath);
        RenditionSpec spec = RenditionSpec.SquareCrop("preview", size, format, quality: 75);
        using VipsImage decoded = photo.Decode(DecodeEdge([spec], photo.DisplayWidth, photo.DisplayHeight));
        using VipsImage square = Pipeline(() => SquareToMemory(decoded, size, FocusPoint.Centre));
        var previews = new List<FilterPreview>(Filters.All.Count);
        foreach (FilterInfo filter in Filters.All)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using VipsImage filtered = Pipeline(() => FilterToMemory(square, Filters.Recipe(filter.Id)));
            byte[] bytes = Pipeline(() => Encode(filtered, spec));
            previews.Add(new FilterPreview(filter, new Rendition(filter.Id, format, filtered.Width, filtered.Height, bytes)));
        }

        return previews;
    }

    /// <summary>One filter's preview: the sample photo as a centred square of <paramref name="size"/> pixels.</summary>
    public byte[] Preview(string filterId, string samplePath, int size, OutputFormat format = OutputFormat.WebP)
    {
        FilterRecipe recipe = Filters.Recipe(filterId);
        PhotoResult result = Process(
            samplePath, [RenditionSpec.SquareCrop("preview", size, format, quality: 75)], new PhotoEdits(Filter: recipe.Id), CancellationToken.None);
        return result.Renditions[0].Bytes;
    }

    /// <summary>The long edge to decode at: enough for the largest fit rendition and for every square's short edge.</summary>
    private static int DecodeEdge(IReadOnlyList<RenditionSpec> renditions, int width, int height)
    {
        int longEdge = Math.Max(width, height);
        int shortEdge = Math.Min(width, height);
        int edge = BlurHashSourceEdge;
        foreach (RenditionSpec spec in renditions)
        {
            int needed = spec.Shape == RenditionShape.Square
                ? (int)Math.Ceiling((double)spec.MaxLongEdge * longEdge / shortEdge)
                : spec.MaxLongEdge;
            edge = Math.Max(edge, needed);
        }

        return Math.Min(edge, longEdge);
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
                header.HasIccProfile,
                type == SniffedType.Gif ? header.Pages : 1);
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

    private static VipsImage FilterToMemory(VipsImage source, FilterRecipe recipe)
    {
        using VipsImage filtered = PhotoFilterRenderer.Apply(source, recipe);
        return filtered.CopyMemory();
    }

    /// <summary>
    /// Scales so the short edge is <paramref name="size"/> (never enlarging) and cuts the square that centres the focus
    /// point, slid back inside the picture where the focus is near an edge.
    /// </summary>
    private static VipsImage SquareToMemory(VipsImage source, int size, FocusPoint focus)
    {
        using VipsImage scaled = source.ThumbnailShortEdge(size);
        int side = Math.Min(scaled.Width, scaled.Height);
        double focusX = (focus.X + 1) / 2 * scaled.Width;
        double focusY = (1 - focus.Y) / 2 * scaled.Height; // Mastodon's y points up
        int left = Math.Clamp((int)Math.Round(focusX - (side / 2.0)), 0, scaled.Width - side);
        int top = Math.Clamp((int)Math.Round(focusY - (side / 2.0)), 0, scaled.Height - side);
        using VipsImage square = scaled.ExtractArea(left, top, side, side);
        return square.CopyMemory();
    }

    private byte[] Encode(VipsImage image, RenditionSpec spec)
    {
        switch (spec.Format)
        {
            case OutputFormat.WebP:
                return WebPContainer.StripMetadata(image.SaveWebP(spec.Quality, webPEffort));
            case OutputFormat.Jpeg when image.HasAlpha:
                using (VipsImage flat = image.FlattenOnWhite())
                {
                    return flat.SaveJpeg(spec.Quality);
                }

            case OutputFormat.Jpeg:
                return image.SaveJpeg(spec.Quality);
            case OutputFormat.Avif:
                // Effort 2 of 9: AV1 is slow, and renditions are made while the person waits.
                return image.SaveAvif(spec.Quality, effort: 2);
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
        string path, SniffedType type, int displayWidth, int displayHeight, bool hasIccProfile, int frames)
    {
        public SniffedType Type => type;

        public int Frames => frames;

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
