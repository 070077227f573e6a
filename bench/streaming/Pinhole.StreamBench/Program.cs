using Pinhole.StreamBench;

const string Usage =
    $"""
    Pinhole.StreamBench: the streaming benchmark behind bench/streaming/REPORT.md (bench/streaming/run.sh runs it all).

    {SetupCommand.Usage}

    {HoldCommand.Usage}

    {DeliverCommand.Usage}

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
        "setup" => await SetupCommand.RunAsync(line, cancel.Token),
        "hold" => await HoldCommand.RunAsync(line, cancel.Token),
        "deliver" => await DeliverCommand.RunAsync(line, cancel.Token),
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
