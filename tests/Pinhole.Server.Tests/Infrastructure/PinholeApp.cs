using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>
/// One real Pinhole server for one test: Kestrel on a free loopback port, its own data directory and its own
/// database (SQLite file or PostgreSQL database). <see cref="RestartAsync"/> stops it and starts a new process
/// image over the same data, as a crash-and-restart would.
/// </summary>
public sealed class PinholeApp : IPinholeServer, IAsyncDisposable
{
    private readonly Factory _factory;
    private bool _ownsStorage;

    private PinholeApp(DataLocation storage, IReadOnlyDictionary<string, string?> settings, bool ownsStorage)
    {
        Storage = storage;
        Settings = settings;
        _ownsStorage = ownsStorage;
        _factory = new Factory(storage, settings, Clock);
        _factory.UseKestrel(0);
        _factory.StartServer();
        BaseAddress = _factory.ClientOptions.BaseAddress;
    }

    public sealed record DataLocation(string DataDir, string? PostgresConnectionString)
    {
        /// <summary>Drops the database and removes the directory, once no server uses them.</summary>
        public async Task DeleteAsync()
        {
            if (PostgresConnectionString is { } postgres)
                await TestDatabase.DropPostgresAsync(postgres);
            try
            {
                Directory.Delete(DataDir, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a closing server; the temp directory is cleaned by the OS in the end.
            }
        }
    }

    public DataLocation Storage { get; }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    public Uri BaseAddress { get; }

    /// <summary>The server's clock: real time, which a test can move forward.</summary>
    public TestClock Clock { get; } = new();

    public IServiceProvider Services => _factory.Services;

    /// <summary>Fresh, empty storage of the kind this run uses (a data directory, and a PostgreSQL database if so).</summary>
    public static async Task<DataLocation> NewStorageAsync() =>
        new(Directory.CreateTempSubdirectory("pinhole-test-").FullName,
            TestDatabase.IsPostgres ? await TestDatabase.CreatePostgresAsync(TestContext.Current.CancellationToken) : null);

    /// <summary>Starts a server on fresh storage; <paramref name="settings"/> are configuration overrides such as "Pinhole:Registrations".</summary>
    public static async Task<PinholeApp> StartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        settings ??= new Dictionary<string, string?>();
        if (settings.TryGetValue("Pinhole:DataDir", out var existing) && existing is not null)
            return new PinholeApp(new DataLocation(existing, settings.GetValueOrDefault("ConnectionStrings:Postgres")), settings, ownsStorage: true);
        var dataDir = Directory.CreateTempSubdirectory("pinhole-test-").FullName;
        var postgres = TestDatabase.IsPostgres ? await TestDatabase.CreatePostgresAsync(TestContext.Current.CancellationToken) : null;
        return new PinholeApp(new DataLocation(dataDir, postgres), settings, ownsStorage: true);
    }

    /// <summary>Stops this server and starts another over the same data, optionally with changed settings.</summary>
    public async Task<PinholeApp> RestartAsync(IReadOnlyDictionary<string, string?>? settings = null)
    {
        await _factory.DisposeAsync();
        _ownsStorage = false;
        return new PinholeApp(Storage, settings ?? Settings, ownsStorage: true);
    }

    /// <summary>A second server over the same data at the same time, as a second node would be.</summary>
    public PinholeApp StartSecondNode() => new(Storage, Settings, ownsStorage: false);

    public HttpClient CreateClient(bool followRedirects = false)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = followRedirects, UseCookies = false };
        return new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        if (_ownsStorage)
            await Storage.DeleteAsync();
    }

    private sealed class Factory(DataLocation storage, IReadOnlyDictionary<string, string?> settings, TestClock clock) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Logging:LogLevel:Pinhole", "Warning");
            builder.UseSetting("Pinhole:DataDir", storage.DataDir);
            // Tests that are about rate limits turn them back on with low numbers.
            builder.UseSetting("Pinhole:RateLimits:Enabled", "false");
            if (storage.PostgresConnectionString is { } postgres)
            {
                builder.UseSetting("Pinhole:Database:Provider", "Postgres");
                builder.UseSetting("ConnectionStrings:Postgres", postgres);
            }
            foreach (var (key, value) in settings)
                builder.UseSetting(key, value);
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        }
    }
}
