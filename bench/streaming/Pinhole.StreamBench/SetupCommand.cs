namespace Pinhole.StreamBench;

/// <summary><c>setup</c>: the accounts the runs need, made through the API on a fresh server.</summary>
internal static class SetupCommand
{
    public const string Usage =
        """
        setup --url URL --followers N --out FILE
          Registers a poster and N followers of it (each follows the poster, so its user stream shows the poster's
          posts) and writes them to FILE (username, id, token; the poster first).
        """;

    public static async Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var url = new Uri(line.RequiredText("url"));
        var followers = line.Whole("followers", 1000);
        var output = line.RequiredText("out");
        line.RejectUnknown();

        using var api = new Api(url);
        var appToken = await api.AppTokenAsync(cancellationToken);
        var poster = await api.RegisterAsync(appToken, "poster", cancellationToken);
        var made = new Account[followers];
        // Four at a time: registering hashes a password, and the server has two cores.
        await Parallel.ForEachAsync(Enumerable.Range(0, followers), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var follower = await api.RegisterAsync(appToken, $"follower{i + 1:D5}", token);
                await api.FollowAsync(follower.Token, poster.Id, token);
                made[i] = follower;
            });
        new Accounts(poster, made).Write(output);
        Console.Error.WriteLine($"setup: poster {poster.Id} and {followers} followers in {output}");
        return 0;
    }
}
