using Pinhole.MediaBench;

const string Usage =
    $"""
    Pinhole.MediaBench: the media benchmark behind bench/media/REPORT.md (bench/media/run.sh runs it all).

    {PhotoCommands.Usage}

    {VideoJobCommands.Usage}

    {ReportCommand.Usage}
    """;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    var line = CommandLine.Parse(args);
    return line.Command switch
    {
        "photo" => PhotoCommands.Time(line),
        "photo-memory" => PhotoCommands.Memory(line),
        "photo-throughput" => PhotoCommands.Throughput(line),
        "video" => await VideoJobCommands.TimeAsync(line, cancel.Token),
        "video-capture" => await VideoJobCommands.CaptureAsync(line, cancel.Token),
        "report" => ReportCommand.Run(line),
        "help" or "--help" => PrintUsage(),
        _ => throw new UsageException($"Unknown command '{line.Command}'."),
    };
}
catch (UsageException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    await Console.Error.WriteLineAsync();
    await Console.Error.WriteLineAsync(Usage);
    return 2;
}

int PrintUsage()
{
    Console.WriteLine(Usage);
    return 0;
}
