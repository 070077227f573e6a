using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Hosting;

/// <summary>The services every feature stands on: settings, the clock, ids, the database and public URLs.</summary>
public static partial class PinholeHosting
{
    public static WebApplicationBuilder AddPinholeCore(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PinholeOptions>().BindConfiguration(PinholeOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PinholeOptions>, PinholeOptionsValidator>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services =>
            new Snowflake(services.GetRequiredService<TimeProvider>(), services.GetRequiredService<IOptions<PinholeOptions>>().Value.NodeId));
        builder.Services.AddSingleton(services => OpenDatabase(
            services.GetRequiredService<IOptions<PinholeOptions>>().Value, services.GetRequiredService<IConfiguration>()));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<PublicUrl>();
        builder.Services.AddSingleton<IdempotencyKeys>();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<PinholeOptions>>((kestrel, pinhole) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = pinhole.Value.MaxRequestBodyBytes;
            // Long enough for any query the API accepts to reach it and be refused with a reason, not a bare 414.
            kestrel.Limits.MaxRequestLineSize = 32 * 1024;
        });
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.TypeInfoResolverChain.Insert(0, MastodonJson.Default);
        });
        return builder;
    }

    /// <summary>Brings the schema up to date before the server takes a request; a second node starting at once waits for the first.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        var db = app.Services.GetRequiredService<Db>();
        var applied = await Migrator.MigrateAsync(db, app.Services.GetRequiredService<TimeProvider>(), app.Lifetime.ApplicationStopping);
        if (applied.Count > 0)
            LogMigrated(app.Logger, applied[^1], db.Provider);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Database migrated to version {Version} ({Provider})")]
    private static partial void LogMigrated(ILogger logger, int version, DatabaseProvider provider);

    private static Db OpenDatabase(PinholeOptions options, IConfiguration configuration)
    {
        if (options.Database.Provider == DatabaseProvider.Postgres)
        {
            var connectionString = configuration.GetConnectionString("Postgres");
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new OptionsValidationException(PinholeOptions.Section, typeof(PinholeOptions),
                    ["Pinhole:Database:Provider is Postgres but ConnectionStrings:Postgres is not set."]);
            return Db.Postgres(connectionString);
        }
        Directory.CreateDirectory(options.DataDir);
        return Db.Sqlite(Path.Combine(options.DataDir, "pinhole.db"));
    }
}
