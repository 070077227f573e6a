using Pinhole.Bench;
using Pinhole.Bench.Dataset;
using Pinhole.Bench.Explain;
using Pinhole.Bench.Load;

const string Usage =
    $"""
    Pinhole.Bench: the dataset generator and load runner behind docs/benchmarks.md.

    {GenerateCommand.Usage}

    {LoadCommand.Usage}

    {ExplainCommand.Usage}

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
        "generate" => await GenerateCommand.RunAsync(line, cancel.Token),
        "load" => await LoadCommand.RunAsync(line, cancel.Token),
        "explain" => await ExplainCommand.RunAsync(line, cancel.Token),
        "report" => await ReportCommand.RunAsync(line, cancel.Token),
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
