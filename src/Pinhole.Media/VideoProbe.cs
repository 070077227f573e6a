using System.Globalization;
using System.Text.Json;

namespace Pinhole.Media;

/// <summary>A rational number as ffprobe writes it ("30000/1001"); frame rates stay exact.</summary>
public readonly record struct Rational(long Numerator, long Denominator)
{
    public double Value => (double)Numerator / Denominator;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Numerator}/{Denominator}");

    /// <summary>Parses "n/d" (or a plain integer); null for "0/0", a zero or negative denominator, or anything else.</summary>
    public static Rational? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        int slash = text.IndexOf('/', StringComparison.Ordinal);
        string numerator = slash < 0 ? text : text[..slash];
        string denominator = slash < 0 ? "1" : text[(slash + 1)..];
        return long.TryParse(numerator, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n)
            && long.TryParse(denominator, NumberStyles.Integer, CultureInfo.InvariantCulture, out long d)
            && n > 0 && d > 0
            ? new Rational(n, d)
            : null;
    }
}

/// <summary>The video stream a file would be played with.</summary>
/// <param name="Width">Coded width in pixels, before rotation.</param>
/// <param name="FrameRate">avg_frame_rate, or r_frame_rate when the average is unknown.</param>
/// <param name="Rotation">Clockwise degrees to turn the picture for display: 0, 90, 180 or 270.</param>
/// <param name="DisplayWidth">Width as shown: after rotation and with non-square pixels made square.</param>
public sealed record VideoStreamInfo(
    int Index,
    string Codec,
    string? Profile,
    int Width,
    int Height,
    string? PixelFormat,
    Rational? FrameRate,
    long? BitRate,
    int Rotation,
    int DisplayWidth,
    int DisplayHeight,
    TimeSpan? Duration);

public sealed record AudioStreamInfo(
    int Index,
    string Codec,
    string? Profile,
    int Channels,
    int SampleRate,
    long? BitRate,
    TimeSpan? Duration);

/// <summary>What ffprobe says about a file: its container, duration, and the streams Pinhole would use.</summary>
/// <param name="FormatName">ffprobe's demuxer names, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm".</param>
/// <param name="Duration">From the container, else the longest stream; null when nothing says.</param>
/// <param name="Video">The first video stream that is not a cover picture; null for audio-only files.</param>
public sealed record VideoProbe(
    string FormatName,
    string? FormatLongName,
    TimeSpan? Duration,
    long? BitRate,
    VideoStreamInfo? Video,
    AudioStreamInfo? Audio);

/// <summary>
/// Reads the JSON of <c>ffprobe -v error -print_format json -show_format -show_streams</c>. Pure: no process, no file,
/// so it is tested on recorded output.
/// </summary>
public static class FfprobeParser
{
    /// <exception cref="MediaRejectedException">The text is not ffprobe's JSON for a file with any stream.</exception>
    public static VideoProbe Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (JsonException e)
        {
            throw new MediaRejectedException("the file's video information could not be read", e);
        }
        catch (FormatException e)
        {
            throw new MediaRejectedException("the file's video information could not be read", e);
        }
        catch (InvalidOperationException e)
        {
            // JsonElement accessors throw this when a value has the wrong JSON type.
            throw new MediaRejectedException("the file's video information could not be read", e);
        }
    }

    private static VideoProbe Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.Object)
        {
            throw new MediaRejectedException("the file's video information could not be read");
        }

        VideoStreamInfo? video = null;
        AudioStreamInfo? audio = null;
        var streamDurations = new List<TimeSpan>();
        if (root.TryGetProperty("streams", out JsonElement streams) && streams.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement stream in streams.EnumerateArray())
            {
                TimeSpan? duration = StreamDuration(stream);
                string? type = String(stream, "codec_type");
                if (type == "video" && video is null && !IsAttachedPicture(stream))
                {
                    video = ReadVideo(stream, duration);
                }
                else if (type == "audio" && audio is null)
                {
                    audio = ReadAudio(stream, duration);
                }
                else
                {
                    continue;
                }

                if (duration is { } d)
                {
                    streamDurations.Add(d);
                }
            }
        }

        if (video is null && audio is null)
        {
            throw new MediaRejectedException("the file has no video or audio");
        }

        TimeSpan? total = Seconds(String(format, "duration"))
            ?? (streamDurations.Count > 0 ? streamDurations.Max() : null);
        return new VideoProbe(
            String(format, "format_name") ?? "unknown",
            String(format, "format_long_name"),
            total,
            Long(format, "bit_rate"),
            video,
            audio);
    }

    private static VideoStreamInfo ReadVideo(JsonElement stream, TimeSpan? duration)
    {
        int width = Int(stream, "width") ?? 0;
        int height = Int(stream, "height") ?? 0;
        int rotation = Rotation(stream);

        // Non-square pixels (old phones, DV): shown wider or narrower than stored.
        double aspect = Rational.Parse(String(stream, "sample_aspect_ratio")?.Replace(':', '/')) is { } sar ? sar.Value : 1;
        int shownWidth = aspect is > 0.1 and < 10 && Math.Abs(aspect - 1) > 1e-6
            ? (int)Math.Round(width * aspect)
            : width;
        bool swap = rotation is 90 or 270;
        return new VideoStreamInfo(
            Int(stream, "index") ?? 0,
            String(stream, "codec_name") ?? "unknown",
            String(stream, "profile"),
            width,
            height,
            String(stream, "pix_fmt"),
            Rational.Parse(String(stream, "avg_frame_rate")) ?? Rational.Parse(String(stream, "r_frame_rate")),
            Long(stream, "bit_rate"),
            rotation,
            swap ? height : shownWidth,
            swap ? shownWidth : height,
            duration);
    }

    private static AudioStreamInfo ReadAudio(JsonElement stream, TimeSpan? duration) =>
        new(
            Int(stream, "index") ?? 0,
            String(stream, "codec_name") ?? "unknown",
            String(stream, "profile"),
            Int(stream, "channels") ?? 0,
            Int(stream, "sample_rate") ?? 0,
            Long(stream, "bit_rate"),
            duration);

    /// <summary>
    /// Clockwise degrees for display. ffprobe reports the display matrix's angle counter-clockwise ("rotation": -90 for
    /// an iPhone held upright); older files and tools use the "rotate" tag, clockwise.
    /// </summary>
    private static int Rotation(JsonElement stream)
    {
        double? counterClockwise = null;
        if (stream.TryGetProperty("side_data_list", out JsonElement sideData) && sideData.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in sideData.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && Double(item, "rotation") is { } angle)
                {
                    counterClockwise = angle;
                    break;
                }
            }
        }

        double clockwise = counterClockwise is { } ccw
            ? -ccw
            : stream.TryGetProperty("tags", out JsonElement tags) && tags.ValueKind == JsonValueKind.Object
                ? Double(tags, "rotate") ?? 0
                : 0;
        int quarter = (int)Math.Round(clockwise / 90.0);
        return ((quarter % 4) + 4) % 4 * 90;
    }

    private static bool IsAttachedPicture(JsonElement stream) =>
        stream.TryGetProperty("disposition", out JsonElement disposition)
        && disposition.ValueKind == JsonValueKind.Object
        && Int(disposition, "attached_pic") == 1;

    private static TimeSpan? StreamDuration(JsonElement stream)
    {
        if (Seconds(String(stream, "duration")) is { } seconds)
        {
            return seconds;
        }

        // Matroska/WebM keeps per-stream durations as a "DURATION" tag, "00:00:03.000000000".
        if (stream.TryGetProperty("tags", out JsonElement tags) && tags.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty tag in tags.EnumerateObject())
            {
                if (tag.Name.Equals("DURATION", StringComparison.OrdinalIgnoreCase)
                    && tag.Value.ValueKind == JsonValueKind.String
                    && TimeSpan.TryParse(Trim(tag.Value.GetString()!), CultureInfo.InvariantCulture, out TimeSpan value)
                    && value > TimeSpan.Zero)
                {
                    return value;
                }
            }
        }

        return null;

        // TimeSpan takes at most 7 fractional digits; Matroska writes 9.
        static string Trim(string text) => text.Contains('.', StringComparison.Ordinal) && text.Length - text.IndexOf('.', StringComparison.Ordinal) > 8
            ? text[..(text.IndexOf('.', StringComparison.Ordinal) + 8)]
            : text;
    }

    private static TimeSpan? Seconds(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds)
        && double.IsFinite(seconds) && seconds > 0 && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static double? Double(JsonElement element, string name) =>
        double.TryParse(String(element, name), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : null;

    private static long? Long(JsonElement element, string name) =>
        Double(element, name) is { } value && value is >= 0 and < long.MaxValue ? (long)value : null;

    private static int? Int(JsonElement element, string name) =>
        Double(element, name) is { } value && value is >= int.MinValue and <= int.MaxValue ? (int)value : null;
}
