using Dapper;
using Pinhole.Data;
using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Storage;

public sealed class MigrationTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(Db Db, string DataDir, string? Postgres)> EmptyDatabaseAsync()
    {
        var dataDir = Directory.CreateTempSubdirectory("pinhole-migrate-").FullName;
        if (!TestDatabase.IsPostgres)
            return (Db.Sqlite(Path.Combine(dataDir, "pinhole.db")), dataDir, null);
        var connection = await TestDatabase.CreatePostgresAsync(Cancel);
        return (Db.Postgres(connection), dataDir, connection);
    }

    [Fact]
    public async Task EveryProviderHasTheSameNumberedMigrations()
    {
        var sqlite = Migrator.Available(DatabaseProvider.Sqlite);
        var postgres = Migrator.Available(DatabaseProvider.Postgres);

        Assert.NotEmpty(sqlite);
        Assert.Equal(sqlite.Select(m => m.Name), postgres.Select(m => m.Name));
    }

    [Fact]
    public async Task ProcessesStartingTogetherApplyEachMigrationExactlyOnce()
    {
        var (first, dataDir, postgres) = await EmptyDatabaseAsync();
        await using var _ = first;
        var racers = Enumerable.Range(0, 4)
            .Select(_ => postgres is null ? Db.Sqlite(Path.Combine(dataDir, "pinhole.db")) : Db.Postgres(postgres))
            .Prepend(first).ToList();

        var applied = await Task.WhenAll(racers.Select(db => Task.Run(() => Migrator.MigrateAsync(db, TimeProvider.System, Cancel), Cancel)));

        var all = Migrator.Available(first.Provider).Select(m => m.Version).ToList();
        Assert.Equal(all, applied.SelectMany(a => a).Order().ToList());
        Assert.Single(applied, a => a.Count > 0);
        await using var connection = await first.OpenAsync(Cancel);
        Assert.Equal(all.Count, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM schema_migrations"));
        foreach (var db in racers.Skip(1))
            await db.DisposeAsync();
    }

    [Fact]
    public async Task ADatabaseMadeByAnEarlierVersionUpgradesInPlaceAndKeepsItsData()
    {
        var (db, dataDir, postgres) = await EmptyDatabaseAsync();
        await using (db)
        {
            // What version 1 of Pinhole left behind: its schema and a person with a post.
            await Migrator.MigrateAsync(db, TimeProvider.System, Cancel, targetVersion: 1);
            await using var connection = await db.OpenAsync(Cancel);
            await connection.ExecuteAsync(
                """
                INSERT INTO accounts (id, username, username_key, created_at, updated_at, statuses_count) VALUES (4242, 'veteran', 'veteran', 1, 1, 1);
                INSERT INTO users (account_id, email, email_key, password_hash, approved, created_at) VALUES (4242, 'v@example.com', 'v@example.com', 'x', TRUE, 1);
                INSERT INTO statuses (id, account_id, text, visibility, created_at) VALUES (281474976710656, 4242, 'Posted before the upgrade', 0, 1);
                """);
        }

        var settings = new Dictionary<string, string?> { ["Pinhole:DataDir"] = dataDir };
        if (postgres is not null)
        {
            settings["Pinhole:Database:Provider"] = "Postgres";
            settings["ConnectionStrings:Postgres"] = postgres;
        }
        await using var app = await PinholeApp.StartAsync(settings);
        using var client = app.CreateClient();

        var post = await client.GetJsonAsync("/api/v1/statuses/281474976710656");
        Assert.Equal("<p>Posted before the upgrade</p>", post["content"]!.GetValue<string>());
        Assert.Equal("veteran", post["account"]!["username"]!.GetValue<string>());
        var newcomer = await app.RegisterAsync("newcomer");
        await newcomer.PostStatusAsync("Posted after the upgrade");
        await using var check = postgres is null ? Db.Sqlite(Path.Combine(dataDir, "pinhole.db")) : Db.Postgres(postgres);
        await using var read = await check.OpenAsync(Cancel);
        Assert.Equal(Migrator.Available(check.Provider).Count, await read.ExecuteScalarAsync<int>("SELECT MAX(version) FROM schema_migrations"));
    }

    [Fact]
    public async Task TwoNodesOverOneDatabaseSeeEachOthersWrites()
    {
        await using var first = await PinholeApp.StartAsync();
        await using var second = first.StartSecondNode();
        var minji = await first.RegisterAsync("minji");
        var reader = await second.RegisterAsync("reader");

        var post = await minji.PostStatusAsync("From node one #nodes");
        await reader.Client.PostFormAsync($"/api/v1/accounts/{minji.Id}/follow");
        await reader.Client.PostFormAsync($"/api/v1/statuses/{post.Id()}/favourite");

        Assert.Contains(post.Id(), (await reader.Client.GetArrayAsync("/api/v1/timelines/home")).Ids());
        Assert.Equal(1, (await minji.Client.GetJsonAsync($"/api/v1/statuses/{post.Id()}"))["favourites_count"]!.GetValue<int>());
    }
}
