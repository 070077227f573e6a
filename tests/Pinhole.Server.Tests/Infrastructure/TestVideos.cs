using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>
/// Clips made at test time with the real ffmpeg, the way phones make them: with location atoms, camera make and
/// model, a rotation flag; and the checks a served file must pass (ffprobe, exiftool, box order).
/// </summary>
public static class TestVideos
{
    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// An H.264/AAC phone clip carrying GPS coordinates (the QuickTime ©xyz atom) and make/model; when
    /// <paramref name="rotation"/> is set, stored landscape with a display matrix turning it, as iPhones do.
    /// </summary>
    public static Task<byte[]> PhoneClipAsync(int width = 640, int height = 360, double seconds = 2, int rotation = 0, string extension = "mov",
        string video = "libx264", string audio = "aac", bool withAudio = true)
    {
        var arguments = new List<string> { "-f", "lavfi", "-i", $"testsrc2=size={width}x{height}:rate=30:duration={Invariant(seconds)}" };
        if (withAudio)
            arguments.AddRange(["-f", "lavfi", "-i", $"sine=frequency=440:duration={Invariant(seconds)}"]);
        arguments.AddRange(["-c:v", video, "-pix_fmt", "yuv420p"]);
        if (video == "libx264")
            arguments.AddRange(["-preset", "ultrafast"]);
        if (withAudio)
            arguments.AddRange(["-c:a", audio]);
        arguments.AddRange(["-metadata", "location=+39.0392+125.7625/", "-metadata", "make=Apple", "-metadata", "model=iPhone 15 Pro",
            "-metadata", "com.apple.quicktime.location.ISO6709=+39.0392+125.7625+050.000/"]);
        if (extension is "mov" or "mp4" or "m4v")
            arguments.AddRange(["-movflags", "use_metadata_tags"]);
        return rotation == 0 ? FfmpegAsync(extension, arguments) : RotatedAsync(extension, arguments, rotation);
    }

    // ffmpeg 5.1 writes a display matrix from the "rotate" tag only when copying streams, so: encode, then remux.
    private static async Task<byte[]> RotatedAsync(string extension, IEnumerable<string> arguments, int rotation)
    {
        var upright = Path.Combine(Path.GetTempPath(), $"pinhole-{Guid.NewGuid():N}.{extension}");
        await File.WriteAllBytesAsync(upright, await FfmpegAsync(extension, arguments), TestContext.Current.CancellationToken);
        try
        {
            return await FfmpegAsync(extension, ["-i", upright, "-map", "0", "-c", "copy", "-map_metadata", "0", "-metadata:s:v:0", $"rotate={rotation}", "-movflags", "use_metadata_tags"]);
        }
        finally
        {
            File.Delete(upright);
        }
    }

    /// <summary>A tiny clip as long as asked, cheap to make at any length (16×16 pixels, one frame a second, no audio).</summary>
    public static Task<byte[]> LongTinyClipAsync(double seconds) =>
        FfmpegAsync("mp4", ["-f", "lavfi", "-i", $"color=size=16x16:rate=1:duration={Invariant(seconds)}", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]);

    /// <summary>Noise keeps the encoder from compressing it away: the file is about <paramref name="bitrateKbps"/> × seconds, as a phone's is.</summary>
    public static Task<byte[]> NoisyClipAsync(double seconds, int bitrateKbps) =>
        FfmpegAsync("mp4", ["-f", "lavfi", "-i", $"testsrc2=size=640x360:rate=30:duration={Invariant(seconds)},noise=alls=40:allf=t",
            "-f", "lavfi", "-i", $"sine=frequency=440:duration={Invariant(seconds)}",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-b:v", $"{bitrateKbps}k", "-minrate", $"{bitrateKbps}k",
            "-maxrate", $"{bitrateKbps}k", "-bufsize", $"{bitrateKbps}k", "-c:a", "aac", "-movflags", "+faststart"]);

    public static Task<byte[]> AnimatedGifAsync() =>
        FfmpegAsync("gif", ["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1"]);

    public static Task<byte[]> AudioAsync(string extension = "m4a") =>
        FfmpegAsync(extension, ["-f", "lavfi", "-i", "sine=frequency=440:duration=2", "-metadata", "artist=Someone", "-metadata", "location=+39.0392+125.7625/"]);

    private static async Task<byte[]> FfmpegAsync(string extension, IEnumerable<string> arguments)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pinhole-{Guid.NewGuid():N}.{extension}");
        try
        {
            await TestImages.RunAsync("ffmpeg", ["-v", "error", "-nostdin", .. arguments, "-y", path]);
            return await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>ffprobe's JSON description of the file (format and streams).</summary>
    public static async Task<JsonNode> ProbeAsync(byte[] bytes) =>
        JsonNode.Parse(await OnDiskAsync(bytes, path => OutputOfAsync("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", path)))!;

    /// <summary>Every tag exiftool finds in the file, with its group ("QuickTime:Make", "UserData:GPSCoordinates", …).</summary>
    public static async Task<JsonObject> TagsAsync(byte[] bytes) =>
        JsonNode.Parse(await OnDiskAsync(bytes, path => OutputOfAsync("exiftool", "-j", "-G1", "-a", "-u", path)))!.AsArray()[0]!.AsObject();

    /// <summary>The top-level MP4 boxes in order ("ftyp", "moov", "mdat"…): faststart puts moov before mdat.</summary>
    public static IReadOnlyList<string> TopLevelBoxes(byte[] bytes)
    {
        var boxes = new List<string>();
        long offset = 0;
        while (offset + 8 <= bytes.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan((int)offset));
            boxes.Add(Encoding.ASCII.GetString(bytes, (int)offset + 4, 4));
            if (size == 1)
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan((int)offset + 8));
            else if (size == 0)
                size = bytes.Length - offset;
            if (size < 8)
                break;
            offset += size;
        }
        return boxes;
    }

    private static async Task<string> OnDiskAsync(byte[] bytes, Func<string, Task<string>> read)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pinhole-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        try
        {
            return await read(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> OutputOfAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} failed: {await stderr}");
        return await stdout;
    }
}
