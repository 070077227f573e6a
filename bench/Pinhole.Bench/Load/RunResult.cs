using System.Text.Json.Serialization;

namespace Pinhole.Bench.Load;

/// <summary>One measured run, as a line of the results file that <c>report</c> turns into a table.</summary>
public sealed record RunResult
{
    public required string Label { get; init; }
    public required string Scenario { get; init; }
    public required string Request { get; init; }
    /// <summary>"rate" (open loop at <see cref="TargetRate"/>) or "max" (closed loop with <see cref="Workers"/>).</summary>
    public required string Mode { get; init; }
    public double? TargetRate { get; init; }
    public int? Workers { get; init; }
    public int Connections { get; init; }
    public double Seconds { get; init; }
    public long Requests { get; init; }
    public long Ok { get; init; }
    public required IReadOnlyDictionary<string, long> Errors { get; init; }
    /// <summary>Successful responses per second over the whole run, last answer included.</summary>
    public double Throughput { get; init; }
    /// <summary>From when each request was due (open loop) or sent (closed loop) to its last byte.</summary>
    public required Percentiles Latency { get; init; }
    /// <summary>From when each request was actually sent to its last byte.</summary>
    public required Percentiles Service { get; init; }
    /// <summary>How late the pacer sent requests (open loop; its own delay is inside <see cref="Latency"/>).</summary>
    public required Percentiles SendLag { get; init; }
    public double MeanResponseBytes { get; init; }
    /// <summary>The worst latency (ms) among the requests due in each second of the run.</summary>
    public required IReadOnlyList<double> WorstPerSecond { get; init; }
    /// <summary>The load generator's own worst stall (ms) in each second (<see cref="HiccupMeter"/>).</summary>
    public IReadOnlyList<double> LoadGeneratorHiccups { get; init; } = [];
    public required ResourceUse Resources { get; init; }
    /// <summary>How many times the run was measured: the earlier ones were disturbed by other processes.</summary>
    public int Attempts { get; init; } = 1;
}

/// <summary>Milliseconds.</summary>
public sealed record Percentiles(double Mean, double P50, double P90, double P99, double P999, double Max)
{
    public static Percentiles Of(LatencyHistogram histogram)
    {
        static double Ms(long microseconds) => Math.Round(microseconds / 1000.0, 2);
        return new Percentiles(
            Math.Round(histogram.MeanMicroseconds / 1000.0, 2),
            Ms(histogram.PercentileMicroseconds(0.50)), Ms(histogram.PercentileMicroseconds(0.90)),
            Ms(histogram.PercentileMicroseconds(0.99)), Ms(histogram.PercentileMicroseconds(0.999)), Ms(histogram.MaxMicroseconds));
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RunResult))]
internal sealed partial class ResultJson : JsonSerializerContext;
