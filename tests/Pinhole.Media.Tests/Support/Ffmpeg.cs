using System.Globalization;

namespace Pinhole.Media.Tests.Support;

/// <summary>Fixture clips made on the fly with ffmpeg's lavfi sources: tiny and short, so the suite stays fast.</summary>
public static class Ffmpeg
{
    /// <summary>Runs ffmpeg quietly, overwriting its output.</summary>
    public static void Run(params string[] arguments) =>
        Tool.Run("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-y", .. arguments]);

    public static string Probe(string path) =>
        Tool.Run("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path);

    /// <summary>A testsrc2 picture with a 440 Hz tone (unless <paramref name="audio"/> is false).</summary>
    public static string[] Sources(int width, int height, double seconds, int rate = 30, bool audio = true)
    {
        string d = seconds.ToString(CultureInfo.InvariantCulture);
        string[] video = ["-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate={rate}:duration={d}"];
        return audio ? [.. video, "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=44100:duration={d}"] : video;
    }

    /// <summary>An H.264 (High) + AAC MP4, as a phone or a browser would upload.</summary>
    public static string Mp4(TempDirectory directory, string name, int width = 320, int height = 240, double seconds = 1, bool audio = true, params string[] extra)
    {
        string path = directory.File(name);
        string[] audioCodec = audio ? ["-c:a", "aac", "-b:a", "64k"] : ["-an"];
        Run([.. Sources(width, height, seconds, audio: audio), "-c:v", "libx264", "-preset", "ultrafast", "-profile:v", "high",
            "-pix_fmt", "yuv420p", .. audioCodec, .. extra, path]);
        return path;
    }
}
