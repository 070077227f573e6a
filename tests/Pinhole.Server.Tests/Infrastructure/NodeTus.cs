using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>
/// Uploads with tus-js-client, the library web and React Native apps use, by running tests/js/tus-upload.mjs
/// under Node: proof that the endpoint speaks tus as others wrote it, not only as our own client reads it.
/// Needs <c>npm ci</c> in tests/js, which scripts/test.sh does.
/// </summary>
public static class NodeTus
{
    /// <summary>Runs one upload to the end and returns the media id the server gave it.</summary>
    public static async Task<string> UploadAsync(Uri endpoint, string token, string path, IReadOnlyDictionary<string, string> metadata,
        string? idempotencyKey, int chunkSize, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var scripts = Path.Combine(RepositoryRoot(), "tests", "js");
        if (!Directory.Exists(Path.Combine(scripts, "node_modules", "tus-js-client")))
            throw new InvalidOperationException($"tus-js-client is not installed: run `npm ci` in {scripts} (scripts/test.sh does).");

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = scripts,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(scripts, "tus-upload.mjs"));
        start.ArgumentList.Add("--endpoint");
        start.ArgumentList.Add(endpoint.AbsoluteUri);
        start.ArgumentList.Add("--file");
        start.ArgumentList.Add(path);
        start.ArgumentList.Add("--metadata");
        start.ArgumentList.Add(JsonSerializer.Serialize(metadata));
        start.ArgumentList.Add("--chunk-size");
        start.ArgumentList.Add(chunkSize.ToString(CultureInfo.InvariantCulture));
        if (idempotencyKey is not null)
        {
            start.ArgumentList.Add("--idempotency-key");
            start.ArgumentList.Add(idempotencyKey);
        }
        // In the environment rather than the arguments, where any process listing would show it.
        start.Environment["PINHOLE_TOKEN"] = token;

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(stdout, stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (cancellationToken.IsCancellationRequested)
                throw;
            throw new TimeoutException($"tus-upload.mjs did not finish in {timeout}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"tus-upload.mjs exited with {process.ExitCode}: {await stderr}");
        return MediaIdFrom(await stdout);
    }

    /// <summary>The script's answer is its last line: <c>{"mediaId": "...", "url": "..."}</c>.</summary>
    private static string MediaIdFrom(string stdout)
    {
        var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault()
            ?? throw new InvalidOperationException("tus-upload.mjs printed nothing");
        using var answer = JsonDocument.Parse(last);
        return answer.RootElement.GetProperty("mediaId").GetString()
            ?? throw new InvalidOperationException($"tus-upload.mjs answered without a media id: {last}");
    }

    /// <summary>The folder holding Pinhole.slnx, found upwards from the test binaries.</summary>
    internal static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Pinhole.slnx")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"No Pinhole.slnx above {AppContext.BaseDirectory}");
    }
}
