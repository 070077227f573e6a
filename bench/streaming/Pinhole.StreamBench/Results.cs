using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pinhole.StreamBench;

/// <summary>Every sample kept and sorted (at most a few million): exact percentiles, nearest rank. Milliseconds.</summary>
internal sealed record Percentiles(int Count, double P50, double P90, double P99, double P999, double Max)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return new Percentiles(0, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        double At(double q) => Math.Round(sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)], 2);
        return new Percentiles(sorted.Length, At(0.5), At(0.9), At(0.99), At(0.999), Math.Round(sorted[^1], 2));
    }
}

/// <summary><c>hold</c>: connections opened in steps, the server's memory at each, and whether posts still reach them all.</summary>
/// <param name="Idle">The server before any stream was opened (after two posts, so the posting path is compiled).</param>
internal sealed record HoldResult(string Label, string Stream, Usage Idle, IReadOnlyList<HoldStep> Steps);

/// <param name="Connections">Streams asked for so far.</param>
/// <param name="Open">Streams still open once the step's probes were delivered (the server drops none on purpose).</param>
/// <param name="OpenSeconds">How long opening this step's new streams took, each until its ":)".</param>
/// <param name="Settled">The quiet stretch after opening: the server's resident set, and the heartbeats' CPU.</param>
/// <param name="Heartbeats">":thump" lines received on all streams by the end of the settle (each stream should see one every 15 s).</param>
/// <param name="Probes">Posts made after the settle, each delivered to every stream.</param>
internal sealed record HoldStep(int Connections, int Open, double OpenSeconds, Usage Settled, long Heartbeats, Delivery Probes);

/// <summary>Posts and what reached the streams.</summary>
/// <param name="Expected">Posts × streams.</param>
/// <param name="Latency">From just before each POST was sent to the read that completed its event, every (post, stream) pair.</param>
/// <param name="PostResponse">Each POST's own round trip, for comparison.</param>
/// <param name="First">Per post: its first stream's latency (when the server began delivering it).</param>
/// <param name="Spread">Per post: its last stream's latency less its first's (how long the fan-out itself took).</param>
/// <param name="FirstMs">Each post's first latency, in posting order: a delay before delivery starts shows here, post by post.</param>
/// <param name="PostsReachingAll">Posts every stream read; <paramref name="PostsReachingNone"/>: posts no stream read (lost
/// before the fan-out, as opposed to a stream that fell behind or was dropped, which loses posts on its own).</param>
internal sealed record Delivery(
    int Posts, long Expected, long Delivered, Percentiles Latency, Percentiles PostResponse, Percentiles First, Percentiles Spread,
    IReadOnlyList<double> FirstMs, int PostsReachingAll, int PostsReachingNone, Usage Usage);

/// <summary><c>deliver</c>: a fixed number of subscribers and posts at a fixed rate (latency) or flat out (throughput).</summary>
/// <param name="InFlight">Flat out: POSTs kept in flight; 0 for the fixed-rate mode.</param>
/// <param name="DroppedStreams">Streams the server ended during the run (a subscriber whose queue overflowed is dropped).</param>
/// <param name="DeliveriesPerSecond">Events read by all subscribers together per second of the measured stretch.</param>
/// <param name="DeliveriesPerSecondRange">The slowest and fastest whole second of it.</param>
/// <param name="DrainSeconds">Flat out: from the last POST's answer to the last event read (the backlog at the end).</param>
internal sealed record DeliverResult(
    string Label, int HashtagStreams, int UserStreams, int IntervalMs, int InFlight, double Seconds, int DroppedStreams,
    double PostsPerSecond, double DeliveriesPerSecond, double[] DeliveriesPerSecondRange, double DrainSeconds, Delivery Delivery)
{
    /// <summary>Posts sent, unmeasured, before the measured ones.</summary>
    public int WarmupPosts { get; init; }
}

/// <summary>One line of run.sh's machine log: how quiet the machine was when a step began, and how busy during it.</summary>
internal sealed record MachineNote(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("waited_s")] int WaitedSeconds,
    [property: JsonPropertyName("quiet")] bool Quiet,
    [property: JsonPropertyName("load1")] double Load1,
    [property: JsonPropertyName("others")] string Others,
    [property: JsonPropertyName("wall_s")] double WallSeconds,
    [property: JsonPropertyName("busy_pct")] double BusyPercent,
    [property: JsonPropertyName("niced_pct")] double NicedPercent);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(HoldResult))]
[JsonSerializable(typeof(DeliverResult))]
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
