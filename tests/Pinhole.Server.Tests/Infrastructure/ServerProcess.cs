using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>
/// Pinhole as its own process (the built server, run with <c>dotnet</c>), for what only a real process can show:
/// being killed with SIGKILL mid-work and started again over the same data.
/// </summary>
public sealed class ServerProcess : IPinholeServer, IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<ServerProcess> StartAsync(PinholeApp.DataLocation storage, IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(ServerAssembly());
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        var all = new Dictionary<string, string?>(settings)
        {
            ["Pinhole:DataDir"] = storage.DataDir,
            ["Pinhole:RateLimits:Enabled"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (storage.PostgresConnectionString is { } postgres)
        {
            all["Pinhole:Database:Provider"] = "Postgres";
            all["ConnectionStrings:Postgres"] = postgres;
        }
        foreach (var (key, value) in all)
            start.ArgumentList.Add($"--{key}={value}");
        var process = Process.Start(start)!;
        // Drained so a full pipe never blocks the server; kept for the failure message if it does not come up.
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        using var client = server.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"The server exited with {process.ExitCode}: {output}");
            try
            {
                using var health = await client.GetAsync("/health", TestContext.Current.CancellationToken);
                if (health.StatusCode == HttpStatusCode.OK)
                    return server;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                throw new TimeoutException($"The server did not come up: {output}");
            }
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>SIGKILL: no shutdown, no cleanup, exactly what a crash or an operator's kill -9 does.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public HttpClient CreateClient(bool followRedirects = false) =>
        new(new SocketsHttpHandler { AllowAutoRedirect = followRedirects, UseCookies = false }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The server as built next to this test assembly: src/Pinhole.Server/bin/{Debug|Release}/net10.0.</summary>
    private static string ServerAssembly()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = here.Parent!.Name; // …/bin/{configuration}/net10.0/
        var root = here;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Pinhole.slnx")))
            root = root.Parent;
        if (root is null)
            throw new InvalidOperationException("Cannot find the repository root from " + AppContext.BaseDirectory);
        var path = Path.Combine(root.FullName, "src", "Pinhole.Server", "bin", configuration, "net10.0", "Pinhole.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the server first.", path);
    }
}
