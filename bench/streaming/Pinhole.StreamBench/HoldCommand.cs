namespace Pinhole.StreamBench;

/// <summary><c>hold</c>: how many idle streams the server holds, at what memory, and whether a post still reaches them all.</summary>
internal static class HoldCommand
{
    public const string Usage =
        """
        hold --url URL --accounts FILE --server-pid PID --out FILE [--steps 1000,5000,10000] [--settle 20] [--probes 3]
          Opens anonymous #pyongyang SSE streams up to each step's total, waits --settle seconds (the resident set is
          read over that quiet stretch; at least one heartbeat falls in it), then makes --probes posts a second apart
          and waits until every stream has read each. Needs `ulimit -n` above the last step, here and in the server.
        """;

    public static async Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var steps = line.Wholes("steps", [1000, 5000, 10000]);
        var settle = TimeSpan.FromSeconds(line.Whole("settle", 20));
        var probes = line.Whole("probes", 3);
        var output = line.RequiredText("out");
        var label = line.Text("label") ?? "hold";
        await using var session = Session.Start(line);
        line.RejectUnknown();

        // Two posts with nobody listening compile the posting path, so "idle" is the server ready to work.
        await session.PostAsync(cancellationToken);
        await session.PostAsync(cancellationToken);
        var idleStart = session.Meter.Take();
        await Task.Delay(settle, cancellationToken);
        var idle = session.Meter.Since(idleStart);
        Console.Error.WriteLine($"hold: idle, server RSS {idle.ServerRssMeanKb / 1024} MB");

        var results = new List<HoldStep>();
        foreach (var target in steps)
        {
            var openSeconds = await session.OpenAsync(target - session.Streams.Count, 0, cancellationToken);
            var settleStart = session.Meter.Take();
            await Task.Delay(settle, cancellationToken);
            var settled = session.Meter.Since(settleStart);
            var heartbeats = session.Heartbeats();

            var probeStart = session.Meter.Take();
            var posts = new List<Post>();
            var before = session.ReceiptCount();
            for (var i = 0; i < probes; i++)
            {
                if (i > 0)
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                posts.Add(await session.PostAsync(cancellationToken));
            }
            await session.WaitForAsync(before + (long)probes * session.Streams.Count, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(15), cancellationToken);
            var delivery = session.Measure(posts, session.Meter.Since(probeStart));
            var step = new HoldStep(target, session.Streams.Count - session.EndedStreams(), Math.Round(openSeconds, 2), settled, heartbeats, delivery);
            results.Add(step);
            Console.Error.WriteLine($"hold: {target} streams ({step.Open} open, opened in {openSeconds:F1} s), server RSS {settled.ServerRssMeanKb / 1024} MB; " +
                $"probes {delivery.Delivered}/{delivery.Expected} delivered, p50 {delivery.Latency.P50} ms, p99 {delivery.Latency.P99} ms");
        }
        ResultJson.Write(output, new HoldResult(label, Session.HashtagPath, idle, results));
        return 0;
    }
}
