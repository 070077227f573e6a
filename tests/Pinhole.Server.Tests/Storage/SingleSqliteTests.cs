using Pinhole.Server.Tests.Infrastructure;

namespace Pinhole.Server.Tests.Storage;

/// <summary>
/// libvips loads plugins that bring the system's SQLite into the process; the server's own database must use
/// that same library, or the two copies collide and the process dies. This drives both in one process.
/// </summary>
public sealed class SingleSqliteTests
{
    [Fact]
    public async Task TheDatabaseKeepsWorkingAfterThePhotoPipelineHasLoaded()
    {
        await using var app = await PinholeApp.StartAsync();
        var minji = await app.RegisterAsync("minji");
        var media = await minji.UploadAsync(await TestImages.PngAsync());
        await minji.PostStatusAsync("after an upload", mediaIds: media.Id());

        for (var i = 0; i < 200; i++)
        {
            await minji.PostStatusAsync($"post {i} #pyongyang");
            await minji.Client.GetArrayAsync("/api/v1/timelines/public?local=true");
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();

        Assert.Equal(20, (await minji.Client.GetArrayAsync("/api/v1/timelines/tag/pyongyang")).Count);
    }
}
