using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pinhole.UploadBench;

/// <summary>One measured upload (or several at once) over loopback.</summary>
/// <param name="Method">sink-raw, sink-kestrel, sink-kestrel-file, tus, tus-chunks or v2.</param>
/// <param name="Parallel">Uploads sent at once, each of <paramref name="FileBytes"/>.</param>
/// <param name="ReceivedSeconds">From starting curl until the receiving process had written every byte of every body to a file
/// (null for a sink that discards: it answers as soon as it has the last byte, so the wall time is its receive time).</param>
/// <param name="WallSeconds">From starting curl until every curl had its answer.</param>
/// <param name="CreateSeconds">tus only: the creation requests, made before curl starts (not in the other times).</param>
/// <param name="OtherCpuSeconds">Everything else the machine ran meanwhile (not the receiver, its children or curl).</param>
/// <param name="RssBeforeKb">The receiver's resident set just before the upload (idle).</param>
/// <param name="RssPeakKb">Its peak during the upload (VmHWM reset at the start, and sampled every 5 ms).</param>
/// <param name="ProcessingSeconds">From the last answer until every media was ready (background processing); null for sinks.</param>
internal sealed record LoopbackRun(
    string Label, string Method, int Run, int Parallel, long FileBytes, long ChunkBytes, double Load1,
    double CreateSeconds, double WallSeconds, double? ReceivedSeconds,
    double ServerCpuSeconds, double ServerChildCpuSeconds, double ClientCpuSeconds, double OtherCpuSeconds,
    long RssBeforeKb, long RssPeakKb, long ServerBytesRead, long ServerBytesWritten, long ServerBytesStored,
    IReadOnlyList<int> Statuses, string Outcome, double? ProcessingSeconds);

/// <summary>One upload through the impaired link.</summary>
/// <param name="Method">tus (resumes from the server's offset after a drop) or oneshot (POST /api/v2/media, from zero each time).</param>
/// <param name="ChunkBytes">tus: the most one PATCH carries (the whole file when it is the file's size).</param>
/// <param name="LinkBytesUp">Bytes that crossed the link towards the server: headers, multipart framing and all.</param>
/// <param name="ClientFileBytes">File bytes the client handed to its socket, including those lost in a drop.</param>
/// <param name="Attempts">tus: PATCH requests; oneshot: POSTs.</param>
internal sealed record ImpairedRun(
    string Label, string Method, int Run, long FileBytes, long ChunkBytes, long CutEveryBytes, long BytesPerSecond, int RoundTripMs,
    bool Completed, double Seconds, long LinkBytesUp, long LinkBytesDown, long ClientFileBytes,
    long Connections, long Cuts, int Requests, int Attempts, string Outcome);

[JsonSourceGenerationOptions(WriteIndented = false, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(LoopbackRun))]
[JsonSerializable(typeof(ImpairedRun))]
internal sealed partial class ResultsJson : JsonSerializerContext;

internal static class ResultsFile
{
    public static void Append(string path, LoopbackRun run) => AppendLine(path, JsonSerializer.Serialize(run, ResultsJson.Default.LoopbackRun));

    public static void Append(string path, ImpairedRun run) => AppendLine(path, JsonSerializer.Serialize(run, ResultsJson.Default.ImpairedRun));

    /// <summary>The runs of one kind in a results file; each line says its kind by the fields it has.</summary>
    public static (List<LoopbackRun> Loopback, List<ImpairedRun> Impaired) Read(string path)
    {
        var loopback = new List<LoopbackRun>();
        var impaired = new List<ImpairedRun>();
        foreach (var line in File.ReadLines(path).Where(l => l.Length > 0))
        {
            using var document = JsonDocument.Parse(line);
            if (document.RootElement.TryGetProperty("round_trip_ms", out _))
                impaired.Add(JsonSerializer.Deserialize(line, ResultsJson.Default.ImpairedRun)!);
            else
                loopback.Add(JsonSerializer.Deserialize(line, ResultsJson.Default.LoopbackRun)!);
        }
        return (loopback, impaired);
    }

    private static void AppendLine(string path, string json)
    {
        File.AppendAllText(path, json + "\n");
        Console.WriteLine(json);
    }
}
