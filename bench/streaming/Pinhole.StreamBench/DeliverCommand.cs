using System.Diagnostics;

namespace Pinhole.StreamBench;

/// <summary><c>deliver</c>: subscribers held open while the poster posts, at a fixed rate (latency) or flat out (throughput).</summary>
internal static class DeliverCommand
{
    public const string Usage =
        """
        deliver --url URL --accounts FILE --server-pid PID --out FILE [--hashtag N] [--user M] [--warmup-posts 5]
                (--posts 50 --interval-ms 500 | --seconds 30 --warmup-seconds 5 --in-flight 1) [--label TEXT]
          Opens N anonymous #pyongyang streams and M user streams (the first M followers of the poster), makes
          --warmup-posts posts unmeasured, then either one post every --interval-ms (each (post, stream) latency
          measured from just before its POST is sent to the read that completed its event), or posts flat out with
          --in-flight POSTs outstanding for --seconds after --warmup-seconds, counting the events read per second.
        """;

    public static async Task<int> RunAsync(CommandLine line, CancellationToken cancellationToken)
    {
        var hashtag = line.Whole("hashtag", 1000);
        var user = line.Whole("user", 0);
        var warmupPosts = line.Whole("warmup-posts", 5);
        var seconds = line.Whole("seconds", 0);
        var posts = line.Whole("posts", 50);
        var interval = line.Whole("interval-ms", 500);
        var warmupSeconds = line.Whole("warmup-seconds", 5);
        var inFlight = line.Whole("in-flight", 1);
        var output = line.RequiredText("out");
        var label = line.Text("label") ?? "deliver";
        await using var session = Session.Start(line);
        line.RejectUnknown();

        var openSeconds = await session.OpenAsync(hashtag, user, cancellationToken);
        var streams = session.Streams.Count;
        Console.Error.WriteLine($"{label}: {streams} streams open in {openSeconds:F1} s");
        // Unmeasured posts compile the delivery path and fill the server's pools.
        for (var i = 0; i < warmupPosts; i++)
        {
            await session.PostAsync(cancellationToken);
            await Task.Delay(200, cancellationToken);
        }
        await session.WaitForAsync(session.ExpectedReceipts(), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);

        var result = seconds > 0
            ? await FlatOutAsync(session, label, seconds, warmupSeconds, inFlight, cancellationToken)
            : await FixedRateAsync(session, label, posts, interval, cancellationToken);
        result = result with { WarmupPosts = warmupPosts };
        ResultJson.Write(output, result);
        var d = result.Delivery;
        Console.Error.WriteLine($"{label}: {d.Delivered}/{d.Expected} delivered, p50 {d.Latency.P50} ms, p99 {d.Latency.P99} ms, max {d.Latency.Max} ms; " +
            $"{result.PostsPerSecond:F1} posts/s, {result.DeliveriesPerSecond:F0} deliveries/s; server CPU {d.Usage.ServerCpuPercent}%, " +
            $"client {d.Usage.ClientCpuPercent}%, other {d.Usage.OtherCpuPercent}%; {result.DroppedStreams} streams dropped");
        return 0;
    }

    /// <summary>Open loop: post <c>i</c> is due at start + i × interval whatever became of the one before.</summary>
    private static async Task<DeliverResult> FixedRateAsync(Session session, string label, int count, int interval, CancellationToken cancellationToken)
    {
        var start = session.Meter.Take();
        var due = Stopwatch.GetTimestamp();
        var sending = new List<Task<Post>>();
        for (var i = 0; i < count; i++)
        {
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
                await Task.Delay(wait, cancellationToken);
            sending.Add(session.PostAsync(cancellationToken));
            due += interval * Stopwatch.Frequency / 1000;
        }
        var made = await Task.WhenAll(sending);
        await session.WaitForAsync(session.ExpectedReceipts(), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(10), cancellationToken);
        var usage = session.Meter.Since(start);
        var delivery = session.Measure(made, usage);
        var window = Session.Milliseconds(made[0].Sent, made[^1].Sent) / 1000 + interval / 1000.0;
        return new DeliverResult(label, Count(session, Session.HashtagPath), Count(session, Session.UserPath), interval, 0, Math.Round(window, 2),
            session.EndedStreams(), Math.Round(made.Length / window, 2), Math.Round(delivery.Delivered / window, 1), PerSecondRange(session, made[0].Sent, made[^1].Sent),
            0, delivery);
    }

    /// <summary>Closed loop: <paramref name="inFlight"/> posters, each posting again as soon as its POST is answered.</summary>
    private static async Task<DeliverResult> FlatOutAsync(Session session, string label, int seconds, int warmupSeconds, int inFlight, CancellationToken cancellationToken)
    {
        var made = new List<Post>();
        var stopAt = Stopwatch.GetTimestamp() + (warmupSeconds + seconds) * Stopwatch.Frequency;
        var posters = Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            var mine = new List<Post>();
            while (Stopwatch.GetTimestamp() < stopAt)
                mine.Add(await session.PostAsync(cancellationToken));
            return mine;
        }, cancellationToken)).ToList();
        await Task.Delay(TimeSpan.FromSeconds(warmupSeconds), cancellationToken);
        var windowStart = session.Meter.Take();
        foreach (var poster in posters)
            made.AddRange(await poster);
        var usage = session.Meter.Since(windowStart);
        var windowEnd = Stopwatch.GetTimestamp();
        var lastAnswer = made.Max(p => p.Answered);

        // The backlog: everything posted still arrives (or the stream was dropped), however long after.
        await session.WaitForAsync(session.ExpectedReceipts(), TimeSpan.FromSeconds(180), TimeSpan.FromSeconds(10), cancellationToken);
        var receipts = session.AllReceipts().ToList();
        var inWindow = receipts.Count(r => r.Timestamp >= windowStart.Timestamp && r.Timestamp < windowEnd);
        var windowSeconds = Session.Milliseconds(windowStart.Timestamp, windowEnd) / 1000;
        var measured = made.Where(p => p.Sent >= windowStart.Timestamp).ToList();
        var delivery = session.Measure(measured, usage);
        var lastReceipt = receipts.Count == 0 ? lastAnswer : receipts.Max(r => r.Timestamp);
        return new DeliverResult(label, Count(session, Session.HashtagPath), Count(session, Session.UserPath), 0, inFlight, Math.Round(windowSeconds, 2),
            session.EndedStreams(), Math.Round(made.Count(p => p.Answered >= windowStart.Timestamp && p.Answered < windowEnd) / windowSeconds, 1),
            Math.Round(inWindow / windowSeconds, 0), PerSecondRange(session, windowStart.Timestamp, windowEnd),
            Math.Round(Math.Max(0, Session.Milliseconds(lastAnswer, lastReceipt) / 1000), 2), delivery);
    }

    private static int Count(Session session, string path) => session.Streams.Count(s => s.Path == path);

    /// <summary>Events read in the slowest and the fastest whole second from <paramref name="from"/> to <paramref name="to"/>.</summary>
    private static double[] PerSecondRange(Session session, long from, long to)
    {
        var seconds = (int)((to - from) / Stopwatch.Frequency);
        if (seconds < 1)
            return [];
        var counts = new long[seconds];
        foreach (var receipt in session.AllReceipts())
        {
            var second = (receipt.Timestamp - from) / Stopwatch.Frequency;
            if (receipt.Timestamp >= from && second < seconds)
                counts[second]++;
        }
        return [counts.Min(), counts.Max()];
    }
}
