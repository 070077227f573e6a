using System.Globalization;

namespace Pinhole.Media;

/// <summary>One rendition to encode: its profile, its size and where it goes.</summary>
internal sealed record PlannedOutput(RenditionProfile Profile, FrameSize Size, string Path);

/// <summary>
/// The ffmpeg command lines, as argument lists. Pure, so what is asked of ffmpeg can be read in one place.
/// </summary>
internal static class VideoCommands
{
    /// <summary>
    /// The only demuxers an upload may be read with: MP4/MOV/M4V/3GP/M4A, Matroska/WebM, GIF and common audio. Without
    /// the list ffmpeg would also open playlists (HLS, concat) that fetch other files or URLs, and guess formats from
    /// text ("tty").
    /// </summary>
    public const string Demuxers = "mov,mp4,m4a,3gp,3g2,mj2,matroska,webm,gif,mp3,ogg,wav,flac,aac,amr";

    /// <summary>
    /// A compliant upload above this many bits per second is re-encoded anyway: copying it would hand every viewer a
    /// file far heavier than the 720p rendition (2.5 Mbit/s video at most) they would otherwise get.
    /// </summary>
    private const long RemuxMaxBitRate = 4_000_000;

    private static readonly string[] RemuxableProfiles = ["Constrained Baseline", "Baseline", "Main", "High"];

    /// <summary>ffmpeg's own options for the command line, quiet but for errors.</summary>
    public static string[] Quiet => ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"];

    /// <summary>
    /// ffprobe's JSON for the upload. "file:" keeps a name from being read as an option or a protocol.
    /// </summary>
    public static string[] Probe(string path, bool restrictDemuxers) =>
    [
        "-v", "error", "-protocol_whitelist", "file", .. restrictDemuxers ? (string[])["-format_whitelist", Demuxers] : [],
        "-print_format", "json", "-show_format", "-show_streams", "file:" + path,
    ];

    /// <summary>
    /// Encodes every rendition from one decode: the picture is scaled (and filtered) once to the largest size, then
    /// split, and each smaller rendition scaled from that.
    /// </summary>
    /// <param name="look">A filter chain ending in yuv420p, or null.</param>
    public static List<string> Transcode(
        string source, VideoProbe probe, IReadOnlyList<PlannedOutput> outputs, string? look, bool withAudio, TimeSpan cap)
    {
        VideoStreamInfo video = probe.Video ?? throw new ArgumentException("no video stream", nameof(probe));
        List<string> arguments = Input(source, cap);
        arguments.AddRange(["-filter_complex", FilterGraph(video.Index, outputs, look)]);
        for (int i = 0; i < outputs.Count; i++)
        {
            PlannedOutput output = outputs[i];
            arguments.AddRange(["-map", $"[v{i}]", .. EncodeVideo(output.Profile)]);
            if (withAudio && probe.Audio is { } audio)
            {
                arguments.AddRange(["-map", Stream(audio.Index), .. EncodeAudio(audio, output.Profile)]);
            }

            arguments.AddRange([.. CleanMp4, output.Path]);
        }

        return arguments;
    }

    /// <summary>Copies the upload's video and audio into a clean MP4.</summary>
    public static List<string> Remux(string source, VideoProbe probe, string path, TimeSpan cap)
    {
        VideoStreamInfo video = probe.Video ?? throw new ArgumentException("no video stream", nameof(probe));
        List<string> arguments = Input(source, cap);
        arguments.AddRange(["-map", Stream(video.Index)]);
        if (probe.Audio is { } audio)
        {
            arguments.AddRange(["-map", Stream(audio.Index)]);
        }

        arguments.AddRange(["-c", "copy", .. CleanMp4, path]);
        return arguments;
    }

    /// <summary>A smaller rendition made from one of ours (upright, filtered, H.264/AAC already): scaled and encoded.</summary>
    public static List<string> Smaller(string video, VideoProbe probe, PlannedOutput output, TimeSpan cap)
    {
        VideoStreamInfo picture = probe.Video ?? throw new ArgumentException("no video stream", nameof(probe));
        List<string> arguments = Input(video, cap);
        arguments.AddRange(["-map", Stream(picture.Index), "-vf", Scale(output.Size) + ",format=yuv420p", .. EncodeVideo(output.Profile)]);
        if (probe.Audio is { } audio)
        {
            arguments.AddRange(["-map", Stream(audio.Index), .. EncodeAudio(audio, output.Profile)]);
        }

        arguments.AddRange([.. CleanMp4, output.Path]);
        return arguments;
    }

    /// <summary>Sound only, as AAC in MP4: copied when it already is AAC-LC, else encoded.</summary>
    public static List<string> Audio(string source, AudioStreamInfo audio, string path, TimeSpan cap)
    {
        List<string> arguments = Input(source, cap);
        arguments.AddRange(["-map", Stream(audio.Index), "-vn"]);
        arguments.AddRange(CanCopy(audio) ? ["-c:a", "copy"] : EncodeAudio(audio, RenditionProfile.Full));
        arguments.AddRange([.. CleanMp4, path]);
        return arguments;
    }

    /// <summary>One frame at <paramref name="at"/>, as lossless PNG for libvips to encode.</summary>
    public static List<string> Poster(string video, TimeSpan at, string png) =>
    [
        .. Quiet, "-ss", Seconds(at), "-i", "file:" + video, "-map", "0:v:0", "-frames:v", "1",
        "-c:v", "png", "-f", "image2", png,
    ];

    /// <summary>
    /// Already what the 720p rendition would be, so copying loses nothing: H.264 in 8-bit 4:2:0 with a profile every
    /// browser plays, upright (a display-matrix rotation is honoured by players unevenly, so rotated files are
    /// re-encoded upright), square pixels, even edges, short edge at most 720, a modest bit rate, and either no sound
    /// or stereo AAC-LC.
    /// </summary>
    public static bool CanRemux(VideoProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        return probe.Video is { } video
            && video.Codec == "h264"
            && RemuxableProfiles.Contains(video.Profile, StringComparer.Ordinal)
            && video.PixelFormat == "yuv420p"
            && video.Rotation == 0
            && video.DisplayWidth == video.Width
            && video.DisplayHeight == video.Height
            && video.Width % 2 == 0
            && video.Height % 2 == 0
            && Math.Min(video.Width, video.Height) <= RenditionProfile.Full.ShortEdge
            && probe.BitRate is <= RemuxMaxBitRate
            && (probe.Audio is null || CanCopy(probe.Audio));
    }

    /// <summary>Stereo or mono AAC-LC: what every browser plays from MP4.</summary>
    public static bool CanCopy(AudioStreamInfo audio) =>
        audio.Codec == "aac" && audio.Profile == "LC" && audio.Channels is >= 1 and <= 2;

    /// <summary>
    /// The input, read only with the allowed demuxers and from the file protocol, and read no further than
    /// <paramref name="cap"/> (a header may understate the length). -xerror: a decoding error ends the run with that
    /// error instead of being logged while ffmpeg carries on and writes a video with broken frames.
    /// </summary>
    private static List<string> Input(string source, TimeSpan cap) =>
    [
        .. Quiet, "-xerror", "-protocol_whitelist", "file", "-format_whitelist", Demuxers,
        "-t", Seconds(cap), "-i", "file:" + source,
    ];

    private static string FilterGraph(int videoIndex, IReadOnlyList<PlannedOutput> outputs, string? look)
    {
        string first = $"[0:{videoIndex.ToString(CultureInfo.InvariantCulture)}]{Scale(outputs[0].Size)},{look ?? "format=yuv420p"}";
        if (outputs.Count == 1)
        {
            return first + "[v0]";
        }

        var graph = new List<string>
        {
            first + $",split={outputs.Count.ToString(CultureInfo.InvariantCulture)}[v0]"
                + string.Concat(Enumerable.Range(1, outputs.Count - 1).Select(i => $"[s{i}]")),
        };
        graph.AddRange(Enumerable.Range(1, outputs.Count - 1).Select(i => $"[s{i}]{Scale(outputs[i].Size)}[v{i}]"));
        return string.Join(';', graph);
    }

    /// <summary>setsar=1: rounding to even edges would otherwise leave a pixel aspect a hair off square.</summary>
    private static string Scale(FrameSize size) =>
        string.Create(CultureInfo.InvariantCulture, $"scale={size.Width}:{size.Height},setsar=1");

    /// <summary>
    /// veryfast: the 2-core budget is real time for 720p and 360p together. vfr keeps the upload's own frame timing
    /// (phones record variable frame rates) instead of duplicating frames to a constant rate.
    /// </summary>
    private static string[] EncodeVideo(RenditionProfile profile) =>
    [
        "-c:v", "libx264", "-preset", "veryfast", "-profile:v", "high", "-pix_fmt", "yuv420p",
        "-crf", Number(profile.Crf), "-maxrate", $"{Number(profile.MaxRateKbps)}k", "-bufsize", $"{Number(2 * profile.MaxRateKbps)}k",
        "-fps_mode", "vfr", "-flags:v", "+bitexact",
    ];

    private static string[] EncodeAudio(AudioStreamInfo audio, RenditionProfile profile) =>
    [
        "-c:a", "aac", "-b:a", $"{Number(profile.AudioKbps)}k", "-ac", Number(Math.Clamp(audio.Channels, 1, 2)),
        "-flags:a", "+bitexact",
    ];

    /// <summary>
    /// Everything but the streams left behind: global and per-stream metadata (location, device, dates), chapters,
    /// data and subtitle streams (never mapped), and the encoder's name (bitexact). The index goes first (faststart)
    /// so playback starts before the download ends.
    /// </summary>
    private static string[] CleanMp4 =>
        ["-map_metadata", "-1", "-map_chapters", "-1", "-fflags", "+bitexact", "-movflags", "+faststart", "-f", "mp4"];

    private static string Stream(int index) => "0:" + Number(index);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
