using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Pinhole.StreamBench;

/// <summary>A post made by the bench: when its POST was sent and when it was answered (Stopwatch timestamps).</summary>
internal sealed record Post(int Sequence, long Sent, long Answered);

/// <summary>
/// One measuring run against one server: its accounts, the streams this process holds open, and the posts it made
/// with their times, so every (post, stream) delivery can be timed from the receipts afterwards.
/// </summary>
internal sealed class Session : IAsyncDisposable
{
    public const string HashtagPath = $"/api/v1/streaming/hashtag?tag={Api.Tag}";
    public const string UserPath = "/api/v1/streaming/user";

    private readonly List<SseConnection> _streams = [];
    private readonly ConcurrentDictionary<int, Post> _posts = new();
    private readonly CancellationTokenSource _closing = new();
    private int _sequence;

    private Session(Uri url, Accounts accounts, int serverPid)
    {
        Endpoint = new IPEndPoint(IPAddress.Parse(url.Host), url.Port);
        Api = new Api(url);
        Accounts = accounts;
        Meter = new Meter(serverPid);
    }

    public IPEndPoint Endpoint { get; }

    public Api Api { get; }

    public Accounts Accounts { get; }

    public Meter Meter { get; }

    public IReadOnlyList<SseConnection> Streams => _streams;

    /// <summary>The options every measuring command shares: --url, --accounts (from <c>setup</c>) and --server-pid.</summary>
    public static Session Start(CommandLine line) => new(
        new Uri(line.RequiredText("url")), Accounts.Read(line.RequiredText("accounts")),
        line.Whole("server-pid", 0) is > 0 and var pid ? pid : throw new UsageException("--server-pid is required."));

    /// <summary>Opens <paramref name="hashtag"/> anonymous #pyongyang streams and <paramref name="user"/> user streams, one per follower of the poster.</summary>
    /// <returns>Seconds until every one of them was subscribed.</returns>
    public async Task<double> OpenAsync(int hashtag, int user, CancellationToken cancellationToken)
    {
        var alreadyUser = _streams.Count(s => s.Path == UserPath);
        if (alreadyUser + user > Accounts.Followers.Count)
            throw new UsageException($"{alreadyUser + user} user streams need as many followers; setup made {Accounts.Followers.Count}.");
        var wanted = Enumerable.Repeat<(string, string?)>((HashtagPath, null), hashtag)
            .Concat(Accounts.Followers.Skip(alreadyUser).Take(user).Select(f => (UserPath, (string?)f.Token)))
            .ToArray();
        var opened = new SseConnection[wanted.Length];
        var start = Stopwatch.GetTimestamp();
        // A few dozen at a time: enough to open ten thousand in seconds, few enough not to overflow the listen backlog.
        await Parallel.ForEachAsync(Enumerable.Range(0, wanted.Length), new ParallelOptions { MaxDegreeOfParallelism = 48, CancellationToken = cancellationToken },
            // The streams outlive this call: they read until the session closes them.
            async (i, _) => opened[i] = await SseConnection.OpenAsync(Endpoint, wanted[i].Item1, wanted[i].Item2, TimeSpan.FromSeconds(60), _closing.Token));
        _streams.AddRange(opened);
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>The poster's next post, timed from just before its POST is sent.</summary>
    public async Task<Post> PostAsync(CancellationToken cancellationToken)
    {
        var sequence = Interlocked.Increment(ref _sequence);
        var sent = Stopwatch.GetTimestamp();
        await Api.PostAsync(Accounts.Poster.Token, sequence, cancellationToken);
        var post = new Post(sequence, sent, Stopwatch.GetTimestamp());
        _posts[sequence] = post;
        return post;
    }

    public long ReceiptCount() => _streams.Sum(s => (long)s.ReceiptCount);

    /// <summary>Every post made so far on every stream: each carries the tag, and every user stream follows the poster.</summary>
    public long ExpectedReceipts() => (long)_posts.Count * _streams.Count;

    /// <summary>
    /// Waits until the streams have read <paramref name="total"/> events in all, or nothing new arrived for
    /// <paramref name="stall"/> (what is missing then will not come), or <paramref name="timeout"/> passed.
    /// </summary>
    public async Task WaitForAsync(long total, TimeSpan timeout, TimeSpan stall, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var seen = ReceiptCount();
        var lastProgress = Stopwatch.GetTimestamp();
        while (seen < total && Stopwatch.GetTimestamp() < deadline && Stopwatch.GetElapsedTime(lastProgress) < stall)
        {
            await Task.Delay(50, cancellationToken);
            var now = ReceiptCount();
            if (now > seen)
                lastProgress = Stopwatch.GetTimestamp();
            seen = now;
        }
    }

    /// <summary>Every receipt of every stream.</summary>
    public IEnumerable<Receipt> AllReceipts() => _streams.SelectMany(s => s.Receipts());

    /// <summary>How <paramref name="posts"/> reached the streams: every (post, stream) pair's latency, and what never came.</summary>
    public Delivery Measure(IReadOnlyCollection<Post> posts, Usage usage)
    {
        var bySequence = posts.ToDictionary(p => p.Sequence);
        var latencies = new List<double>();
        var first = new Dictionary<int, double>();
        var last = new Dictionary<int, double>();
        var reached = new Dictionary<int, int>();
        foreach (var stream in _streams)
        {
            var seen = new HashSet<int>();
            foreach (var receipt in stream.Receipts())
            {
                // Each post counts once per stream, should a stream ever repeat one.
                if (!bySequence.TryGetValue(receipt.Sequence, out var post) || !seen.Add(receipt.Sequence))
                    continue;
                var ms = Milliseconds(post.Sent, receipt.Timestamp);
                latencies.Add(ms);
                reached[post.Sequence] = reached.GetValueOrDefault(post.Sequence) + 1;
                first[post.Sequence] = Math.Min(first.GetValueOrDefault(post.Sequence, double.MaxValue), ms);
                last[post.Sequence] = Math.Max(last.GetValueOrDefault(post.Sequence, double.MinValue), ms);
            }
        }
        var firsts = posts.OrderBy(p => p.Sequence).Where(p => first.ContainsKey(p.Sequence)).Select(p => Math.Round(first[p.Sequence], 2)).ToList();
        return new Delivery(posts.Count, (long)posts.Count * _streams.Count, latencies.Count, Percentiles.Of(latencies),
            Percentiles.Of(posts.Select(p => Milliseconds(p.Sent, p.Answered))), Percentiles.Of(firsts),
            Percentiles.Of(first.Keys.Select(k => last[k] - first[k])), firsts,
            reached.Values.Count(n => n == _streams.Count), posts.Count - reached.Count, usage);
    }

    public int EndedStreams() => _streams.Count(s => s.Ended);

    public long Heartbeats() => _streams.Sum(s => (long)s.Heartbeats);

    public static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        foreach (var stream in _streams)
            stream.Dispose();
        await Meter.DisposeAsync();
        Api.Dispose();
        _closing.Dispose();
    }
}

/// <summary>The accounts <c>setup</c> made: the poster, then its followers (whose user streams show its posts).</summary>
internal sealed record Accounts(Account Poster, IReadOnlyList<Account> Followers)
{
    public static Accounts Read(string path)
    {
        var accounts = File.ReadLines(path).Where(l => l.Length > 0).Select(l => l.Split('\t')).Select(f => new Account(f[0], f[1], f[2])).ToList();
        return accounts.Count > 0 ? new Accounts(accounts[0], accounts[1..]) : throw new InvalidDataException($"{path} holds no accounts");
    }

    public void Write(string path) =>
        File.WriteAllLines(path, new[] { Poster }.Concat(Followers).Select(a => $"{a.Username}\t{a.Id}\t{a.Token}"));
}
