using Pinhole.UploadBench;

const string Usage =
    $"""
    Pinhole.UploadBench: the upload benchmark behind bench/uploads/REPORT.md (bench/uploads/run.sh runs it all).

    {AccountCommand.Usage}
    {SinkCommand.Usage}
    {LoopbackCommand.Usage}
    {ImpairedCommand.Usage}
    {ReportCommand.Usage}
    """;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
// The sink is stopped by run.sh with SIGTERM; it should end as cleanly as with Ctrl+C.
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, e =>
{
    e.Cancel = true;
    cancel.Cancel();
});

try
{
    var line = CommandLine.Parse(args);
    return line.Command switch
    {
        "account" => await AccountCommand.RunAsync(line, cancel.Token),
        "sink" => await SinkCommand.RunAsync(line, cancel.Token),
        "loopback" => await LoopbackCommand.RunAsync(line, cancel.Token),
        "impaired" => await ImpairedCommand.RunAsync(line, cancel.Token),
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
