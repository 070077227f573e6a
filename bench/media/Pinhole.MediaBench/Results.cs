using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pinhole.MediaBench;

/// <summary>Sequential runs of the photo pipeline in this process: one photo in flight.</summary>
/// <param name="CpuMs">This process's CPU time per run; above the wall time when libvips used both cores.</param>
internal sealed record PhotoTiming(
    string Input, string Specs, int WebPEffort, int OriginalMaxEdge, int Warmup, IReadOnlyList<double> WallMs, IReadOnlyList<double> CpuMs,
    IReadOnlyList<RenditionSize> Renditions, string BlurHash, CpuShare Cpu);

internal sealed record RenditionSize(string Name, string Format, int Width, int Height, int Bytes);

/// <param name="BaselineKb">Resident set once warmed up on a small photo, just before the measured one.</param>
/// <param name="PeakKb">VmHWM after processing the measured photo, the peak having been reset to the baseline.</param>
internal sealed record PhotoMemory(string Input, long BaselineKb, long PeakKb);

/// <param name="Photos">Photos finished inside the measured window (after the warm-up).</param>
/// <param name="LatencyMs">Each of those photos' time from start to finish.</param>
internal sealed record PhotoThroughput(
    string Input, int WebPEffort, int OriginalMaxEdge, int InFlight, int WarmupSeconds, double Seconds, int Photos, double PhotosPerSecond,
    IReadOnlyList<double> LatencyMs, long BaselineKb, long PeakKb, CpuShare Cpu);

/// <param name="DurationSeconds">The clip's length, as the pipeline wrote it.</param>
/// <param name="CpuSeconds">This process and the ffmpeg and ffprobe processes it ran, per job.</param>
/// <param name="LowFollowsMs">
/// For a remuxed clip, the later job that makes its 360p from the 720p (as the server runs it after the media is ready),
/// timed apart from <paramref name="WallMs"/>; empty when the job made every rendition itself.
/// </param>
internal sealed record VideoTiming(
    string Input, double DurationSeconds, int Warmup, IReadOnlyList<double> WallMs, IReadOnlyList<double> CpuSeconds,
    bool Remuxed, IReadOnlyList<VideoOutputSize> Outputs, CpuShare Cpu, IReadOnlyList<double> LowFollowsMs);

internal sealed record VideoOutputSize(string Name, int Width, int Height, long Bytes, long? BitRate);

/// <summary>run.sh's timing of a CLI script making <paramref name="Photos"/> photos, two at a time.</summary>
internal sealed record FloorThroughput(
    [property: JsonPropertyName("photos")] int Photos,
    [property: JsonPropertyName("seconds")] double Seconds);

/// <summary>The part of hyperfine's --export-json that the report reads.</summary>
internal sealed record HyperfineExport([property: JsonPropertyName("results")] IReadOnlyList<HyperfineResult> Results);

internal sealed record HyperfineResult(
    [property: JsonPropertyName("command")] string Command,
    [property: JsonPropertyName("user")] double User,
    [property: JsonPropertyName("system")] double System,
    [property: JsonPropertyName("times")] IReadOnlyList<double> Times);

/// <summary>One line of run.sh's machine log: how quiet the machine was when a step began, and how busy during it.</summary>
internal sealed record MachineNote(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("waited_s")] int WaitedSeconds,
    [property: JsonPropertyName("quiet")] bool Quiet,
    [property: JsonPropertyName("load1")] double Load1,
    [property: JsonPropertyName("others")] string Others,
    [property: JsonPropertyName("wall_s")] double WallSeconds,
    [property: JsonPropertyName("busy_pct")] double BusyPercent);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PhotoTiming))]
[JsonSerializable(typeof(PhotoMemory))]
[JsonSerializable(typeof(PhotoThroughput))]
[JsonSerializable(typeof(VideoTiming))]
[JsonSerializable(typeof(FloorThroughput))]
[JsonSerializable(typeof(HyperfineExport))]
[JsonSerializable(typeof(MachineNote))]
internal sealed partial class ResultJson : JsonSerializerContext
{
    public static void Write<T>(string path, T value)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(value, typeof(T), Default) + "\n");
    }

    public static T Read<T>(string path) =>
        (T)(JsonSerializer.Deserialize(File.ReadAllText(path), typeof(T), Default)
            ?? throw new InvalidOperationException($"{path} holds no result"));
}
