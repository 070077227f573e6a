namespace Pinhole.Bench.Dataset;

/// <summary>
/// The social dataset: what <c>generate --social</c> adds on top of the core dataset, consistent with it and
/// deterministic from the seed. It draws from a random stream of its own, so the core rows of a social dataset
/// are exactly those of the core dataset with the same shape and seed (the two can be compared run for run).
/// <list type="bullet">
/// <item><b>blocks</b> between accounts that do not follow each other either way (a block cuts follows both ways, so
/// a block between followers would have removed them; these leave the follow graph and its counters as they are);
/// who is blocked is drawn by popularity (followers + 1), who blocks uniformly, over the last year;</item>
/// <item><b>mutes</b>: 60% of an account the muter follows (muting is how one quiets a followed account), the rest
/// drawn by popularity; a quarter keep the notifications (<c>hide_notifications</c> false); 4% expired, 4% running
/// out within a week, the rest indefinite;</item>
/// <item><b>favourites</b> (30% as many as notifications): a random follow edge picks who likes whom, so popular
/// accounts get most; the post is one of the author's own (not a reblog), liked within hours of being posted;
/// <c>favourites_count</c> matches;</item>
/// <item><b>notifications</b>: the most recent of every event that notifies someone — a reblog (to the original's
/// author), a mention (to the account mentioned), a favourite, a follow — as many as asked for, never from an
/// account the recipient blocks (the server would not have written those);</item>
/// <item><b>followed hashtags</b>: that many accounts follow 1–3 of the 20 most used tags (drawn by the tags' own
/// Zipf law, so #pyongyang is the most followed).</item>
/// </list>
/// </summary>
public static class SocialBuilder
{
    private const double MutesOfFollowed = 0.6;
    private const double MutesKeepingNotifications = 0.25;
    private const double MutesExpired = 0.04;
    private const double MutesExpiring = 0.04;
    private const int FollowableTags = 20;
    private static readonly long Hour = (long)TimeSpan.FromHours(1).TotalMilliseconds;
    private static readonly long Day = (long)TimeSpan.FromDays(1).TotalMilliseconds;

    public static DatasetRows Add(DatasetShape shape, DatasetRows rows)
    {
        var social = shape.Social;
        if (social.IsEmpty)
            return rows;
        var random = new Random(unchecked((shape.Seed * 1_000_003) + 17));
        var now = shape.Now.ToUnixTimeMilliseconds();
        var graph = new Graph(rows);

        var blocks = MakeBlocks(social.Blocks, random, now, rows, graph);
        var blocked = blocks.Select(b => (b.AccountId, b.TargetAccountId)).ToHashSet();
        var mutes = MakeMutes(social.Mutes, random, now, rows, graph, blocked);
        var favourites = MakeFavourites(social.Favourites, random, now, rows, graph);
        var notifications = MakeNotifications(social.Notifications, rows, favourites, blocked);
        var tagFollows = MakeTagFollows(social.TagFollowers, random, now, rows);
        return rows with { Blocks = blocks, Mutes = mutes, Favourites = favourites, Notifications = notifications, TagFollows = tagFollows };
    }

    /// <summary>Who follows whom, by account index, and each account's own posts.</summary>
    private sealed class Graph
    {
        public Graph(DatasetRows rows)
        {
            var accounts = rows.Accounts;
            Index = accounts.Select((a, i) => (a.Id, i)).ToDictionary(x => x.Id, x => x.i);
            Following = accounts.Select(_ => new List<int>()).ToArray();
            foreach (var f in rows.Follows)
            {
                var (from, to) = (Index[f.AccountId], Index[f.TargetAccountId]);
                Follows.Add((from, to));
                Following[from].Add(to);
                Edges.Add((from, to));
            }
            Posts = accounts.Select(_ => new List<StatusRow>()).ToArray();
            foreach (var s in rows.Statuses)
            {
                if (s.ReblogOfId is null)
                    Posts[Index[s.AccountId]].Add(s);
            }
            var weights = accounts.Select(a => a.FollowersCount + 1.0).ToArray();
            ByPopularity = new WeightedSampler(weights);
        }

        public Dictionary<long, int> Index { get; }
        public HashSet<(int From, int To)> Follows { get; } = [];
        public List<(int From, int To)> Edges { get; } = [];
        public List<int>[] Following { get; }
        public List<StatusRow>[] Posts { get; }
        public WeightedSampler ByPopularity { get; }

        public bool Related(int a, int b) => Follows.Contains((a, b)) || Follows.Contains((b, a));
    }

    private static List<BlockRow> MakeBlocks(int count, Random random, long now, DatasetRows rows, Graph graph)
    {
        var accounts = rows.Accounts;
        var chosen = new HashSet<(int, int)>();
        var made = new List<(long Time, int Blocker, int Target)>(count);
        for (var attempts = 0; made.Count < count; attempts++)
        {
            if (attempts > 100 * (long)count + 1000)
                throw new UsageException($"Could not place {count} blocks between accounts that do not follow each other.");
            var blocker = random.Next(accounts.Count);
            var target = graph.ByPopularity.Sample(random);
            if (blocker == target || graph.Related(blocker, target) || !chosen.Add((blocker, target)))
                continue;
            var since = Math.Max(Math.Max(accounts[blocker].CreatedAt, accounts[target].CreatedAt), now - 365 * Day);
            made.Add((random.NextBetween(since, now - 60_000), blocker, target));
        }
        made.Sort((a, b) => a.Time.CompareTo(b.Time));
        var clock = new IdClock();
        return made.Select(b =>
        {
            var id = clock.Next(b.Time);
            return new BlockRow(id, accounts[b.Blocker].Id, accounts[b.Target].Id, IdClock.TimeOf(id));
        }).ToList();
    }

    private static List<MuteRow> MakeMutes(int count, Random random, long now, DatasetRows rows, Graph graph, HashSet<(long, long)> blocked)
    {
        var accounts = rows.Accounts;
        var chosen = new HashSet<(int, int)>();
        var made = new List<(long Time, int Muter, int Target, bool Hide, long? Expires)>(count);
        for (var attempts = 0; made.Count < count; attempts++)
        {
            if (attempts > 100 * (long)count + 1000)
                throw new UsageException($"Could not place {count} mutes.");
            var muter = random.Next(accounts.Count);
            var following = graph.Following[muter];
            var target = following.Count > 0 && random.NextDouble() < MutesOfFollowed
                ? random.Pick(following)
                : graph.ByPopularity.Sample(random);
            if (muter == target || blocked.Contains((accounts[muter].Id, accounts[target].Id)) || !chosen.Add((muter, target)))
                continue;
            var since = Math.Max(accounts[muter].CreatedAt, accounts[target].CreatedAt);
            var hide = random.NextDouble() >= MutesKeepingNotifications;
            var roll = random.NextDouble();
            long time;
            long? expires = null;
            if (roll < MutesExpired)
            {
                // Muted for an hour to a week, and that time is over.
                time = random.NextBetween(Math.Max(since, now - 60 * Day), now - 8 * Day);
                expires = time + random.NextBetween(Hour, 7 * Day);
            }
            else if (roll < MutesExpired + MutesExpiring)
            {
                time = random.NextBetween(Math.Max(since, now - 7 * Day), now - Hour);
                expires = now + random.NextBetween(Hour, 7 * Day);
            }
            else
            {
                time = random.NextBetween(Math.Max(since, now - 365 * Day), now - 60_000);
            }
            made.Add((time, muter, target, hide, expires));
        }
        made.Sort((a, b) => a.Time.CompareTo(b.Time));
        var clock = new IdClock();
        return made.Select(m =>
        {
            var id = clock.Next(m.Time);
            return new MuteRow(id, accounts[m.Muter].Id, accounts[m.Target].Id, m.Hide, m.Expires, IdClock.TimeOf(id));
        }).ToList();
    }

    private static List<FavouriteRow> MakeFavourites(int count, Random random, long now, DatasetRows rows, Graph graph)
    {
        var accounts = rows.Accounts;
        var chosen = new HashSet<(int, long)>();
        var made = new List<(long Time, int Liker, StatusRow Status)>(count);
        if (graph.Edges.Count == 0)
            return [];
        for (var attempts = 0; made.Count < count; attempts++)
        {
            if (attempts > 100 * (long)count + 1000)
                throw new UsageException($"Could not place {count} favourites.");
            var (liker, author) = random.Pick(graph.Edges);
            var posts = graph.Posts[author];
            if (posts.Count == 0)
                continue;
            var status = random.Pick(posts);
            if (!chosen.Add((liker, status.Id)))
                continue;
            // Liked within hours of being posted (exponential, mean three hours), and before now.
            var delay = (long)(-Math.Log(1 - random.NextDouble()) * 3 * Hour);
            var time = Math.Min(status.CreatedAt + 1000 + delay, now - random.NextBetween(1000, 60_000));
            made.Add((Math.Max(time, status.CreatedAt + 1), liker, status));
        }
        made.Sort((a, b) => a.Time.CompareTo(b.Time));
        var clock = new IdClock();
        return made.Select(f =>
        {
            f.Status.FavouritesCount++;
            var id = clock.Next(f.Time);
            return new FavouriteRow(id, accounts[f.Liker].Id, f.Status.Id, IdClock.TimeOf(id));
        }).ToList();
    }

    private static List<NotificationRow> MakeNotifications(int count, DatasetRows rows, List<FavouriteRow> favourites, HashSet<(long, long)> blocked)
    {
        var statusById = rows.Statuses.ToDictionary(s => s.Id);
        var events = new List<(long Time, long Recipient, long From, string Type, long? StatusId)>();
        foreach (var s in rows.Statuses)
        {
            if (s.ReblogOfId is { } original)
                events.Add((s.CreatedAt, statusById[original].AccountId, s.AccountId, "reblog", original));
        }
        foreach (var m in rows.Mentions)
        {
            var s = statusById[m.StatusId];
            events.Add((s.CreatedAt, m.AccountId, s.AccountId, "mention", s.Id));
        }
        foreach (var f in favourites)
            events.Add((f.CreatedAt, statusById[f.StatusId].AccountId, f.AccountId, "favourite", f.StatusId));
        foreach (var f in rows.Follows)
            events.Add((f.CreatedAt, f.TargetAccountId, f.AccountId, "follow", null));

        var kept = events
            .Where(e => e.Recipient != e.From && !blocked.Contains((e.Recipient, e.From)))
            .OrderByDescending(e => e.Time).ThenBy(e => e.Recipient).ThenBy(e => e.Type, StringComparer.Ordinal)
            .Take(count)
            .OrderBy(e => e.Time)
            .ToList();
        var clock = new IdClock();
        return kept.Select(e =>
        {
            var id = clock.Next(e.Time);
            return new NotificationRow(id, e.Recipient, e.From, e.Type, e.StatusId, IdClock.TimeOf(id));
        }).ToList();
    }

    private static List<TagFollowRow> MakeTagFollows(int followers, Random random, long now, DatasetRows rows)
    {
        var tagIds = rows.Tags.ToDictionary(t => t.Name, t => t.Id);
        var followable = Vocabulary.Tags.Take(FollowableTags).Where(tagIds.ContainsKey).ToList();
        if (followable.Count == 0 || followers == 0)
            return [];
        var sampler = new WeightedSampler(WeightedSampler.Zipf(followable.Count, DatasetBuilder.TagZipf));
        var accounts = rows.Accounts.ToArray();
        random.Shuffle(accounts);
        var made = new List<(long Time, long Account, long Tag)>();
        var tags = new HashSet<int>();
        foreach (var account in accounts.Take(followers))
        {
            var count = Math.Min(followable.Count, random.NextDouble() switch { < 0.55 => 1, < 0.85 => 2, _ => 3 });
            tags.Clear();
            while (tags.Count < count)
                tags.Add(sampler.Sample(random));
            foreach (var tag in tags)
                made.Add((random.NextBetween(Math.Max(account.CreatedAt, now - 90 * Day), now - 60_000), account.Id, tagIds[followable[tag]]));
        }
        made.Sort((a, b) => a.Time.CompareTo(b.Time));
        var clock = new IdClock();
        return made.Select(t =>
        {
            var id = clock.Next(t.Time);
            return new TagFollowRow(id, t.Account, t.Tag, IdClock.TimeOf(id));
        }).ToList();
    }
}
