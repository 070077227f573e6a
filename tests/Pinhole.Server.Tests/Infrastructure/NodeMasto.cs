using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>
/// masto.js (a Mastodon client library from npm, not written here) subscribing to a hashtag through Pinhole's
/// streaming API, run with node from tests/js. Lines it prints arrive on <see cref="Lines"/>.
/// </summary>
public sealed class NodeMasto : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Threading.Channels.Channel<JsonNode> _lines = System.Threading.Channels.Channel.CreateUnbounded<JsonNode>();
    private readonly System.Text.StringBuilder _errors = new();

    private NodeMasto(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.StartsWith('{'))
                _lines.Writer.TryWrite(JsonNode.Parse(line)!);
        };
        process.ErrorDataReceived += (_, e) => { lock (_errors) _errors.AppendLine(e.Data); };
        process.Exited += (_, _) => _lines.Writer.TryComplete();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static NodeMasto StartHashtag(Uri server, string token, string tag, int count)
    {
        var scripts = Path.Combine(NodeTus.RepositoryRoot(), "tests", "js");
        if (!Directory.Exists(Path.Combine(scripts, "node_modules", "masto")))
            throw new InvalidOperationException($"masto is not installed: run `npm ci` in {scripts} (scripts/test.sh does).");
        var start = new ProcessStartInfo("node") { WorkingDirectory = scripts, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(scripts, "masto-stream.mjs"), "--url", server.AbsoluteUri.TrimEnd('/'), "--tag", tag, "--count", count.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            start.ArgumentList.Add(argument);
        start.Environment["PINHOLE_TOKEN"] = token;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Start();
        return new NodeMasto(process);
    }

    /// <summary>The next line the script printed, or an exception carrying its stderr if it ended or took too long.</summary>
    public async Task<JsonNode> NextAsync(TimeSpan timeout)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        wait.CancelAfter(timeout);
        try
        {
            return await _lines.Reader.ReadAsync(wait.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException)
        {
            lock (_errors)
                throw new TimeoutException($"masto-stream printed nothing more: {_errors}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }
}
