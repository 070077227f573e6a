using System.Diagnostics;
using System.Text.Json.Nodes;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Feeds;

/// <summary>
/// feedparser (an npm feed parser not written here) reading one of Pinhole's feeds in strict XML mode, run with node
/// from tests/js/parse-feed.mjs: what a feed reader would understand of it. Needs <c>npm ci</c> in tests/js.
/// </summary>
public static class NodeFeedParser
{
    public static async Task<JsonNode> ParseAsync(Uri feed)
    {
        var scripts = Path.Combine(NodeTus.RepositoryRoot(), "tests", "js");
        if (!Directory.Exists(Path.Combine(scripts, "node_modules", "feedparser")))
            throw new InvalidOperationException($"feedparser is not installed: run `npm ci` in {scripts} (scripts/test.sh does).");
        var start = new ProcessStartInfo("node") { WorkingDirectory = scripts, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(scripts, "parse-feed.mjs"), "--url", feed.AbsoluteUri })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"feedparser could not read {feed}: {await stderr}");
        return JsonNode.Parse(output)!;
    }
}
