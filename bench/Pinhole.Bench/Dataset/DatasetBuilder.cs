using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;

namespace Pinhole.Bench.Dataset;

/// <summary>
/// Makes a realistic social graph and 30 days of posts in memory, deterministically from a seed:
/// <list type="bullet">
/// <item>who is followed follows a Zipf law (exponent 0.8) over a random popularity order, so a few accounts have
/// thousands of followers and most have a handful; how many accounts each person follows is log-normal
/// (median ≈ 12, mean 20, at most 200), scaled to the exact total asked for;</item>
/// <item>who posts follows a Zipf law (exponent 0.6) over an activity order loosely tied to popularity, and one
/// account in five (none of the 100 most followed) never posts;</item>
/// <item>8% of posts are reblogs and 15% replies, of a post from the previous few hours; a reply to someone else
/// starts with an @mention of them; a third of the rest carry 1–3 hashtags drawn by a Zipf law (1.1) from a few
/// hundred tags (#pyongyang first, about a fifth of all tag uses);</item>
/// <item>visibility is 82% public, 10% unlisted, 8% followers-only; every counter matches the rows.</item>
/// </list>
/// </summary>
public static class DatasetBuilder
{
    private const double FollowZipf = 0.8;
    private const double PostZipf = 0.6;
    /// <summary>Hashtag use follows a Zipf law with this exponent over <see cref="Vocabulary.Tags"/>.</summary>
    public const double TagZipf = 1.1;
    private const double LurkerShare = 0.2;
    private const double ReblogShare = 0.08;
    private const double ReplyShare = 0.15;
    private const double TaggedShare = 0.36;   // of posts that are not reblogs: about a third of all posts
    private const int RecentWindow = 3000;      // replies and reblogs pick from this many preceding posts

    public static DatasetRows Build(DatasetShape shape)
    {
        shape.Validate();
        var random = new Random(shape.Seed);
        var now = shape.Now.ToUnixTimeMilliseconds();

        var accounts = MakeAccounts(shape, random, now);
        var popularity = Shuffled(accounts.Count, random); // popularity[rank] = account index
        var follows = MakeFollows(shape, random, now, accounts, popularity);
        var app = MakeApp(accounts[0].CreatedAt - (long)TimeSpan.FromDays(1).TotalMilliseconds);
        var tokens = MakeTokens(accounts, app);
        var (statuses, tags, statusTags, mentions) = MakeStatuses(shape, random, now, accounts, popularity, app);

        var core = new DatasetRows
        {
            Accounts = accounts,
            PasswordHash = new PasswordHasher<object>().HashPassword(new object(), DatasetShape.Password),
            App = app,
            Tokens = tokens,
            Follows = follows,
            Statuses = statuses,
            Tags = tags,
            StatusTags = statusTags,
            Mentions = mentions,
        };
        return SocialBuilder.Add(shape, core);
    }

    /// <summary>The bearer token the load runner sends for an account; only its hash is stored, as for real tokens.</summary>
    public static string TokenFor(long accountId) => $"bench-{accountId.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>As the server's <c>Secrets.Hash</c>: SHA-256 of the UTF-8 string, lower-case hex.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static List<AccountRow> MakeAccounts(DatasetShape shape, Random random, long now)
    {
        var firstPost = now - (long)DatasetShape.PostWindow.TotalMilliseconds;
        var newest = firstPost - (long)TimeSpan.FromDays(1).TotalMilliseconds;
        var oldest = newest - (long)DatasetShape.AccountWindow.TotalMilliseconds;
        var times = Enumerable.Range(0, shape.Accounts).Select(_ => random.NextBetween(oldest, newest)).Order().ToArray();
        var clock = new IdClock();
        var accounts = new List<AccountRow>(shape.Accounts);
        for (var i = 0; i < times.Length; i++)
        {
            var first = random.Pick(Vocabulary.FirstNames);
            var last = random.Pick(Vocabulary.LastNames);
            var id = clock.Next(times[i]);
            accounts.Add(new AccountRow
            {
                Id = id,
                Username = string.Create(CultureInfo.InvariantCulture, $"{first}{last}{i}"),
                DisplayName = $"{Capitalize(first)} {Capitalize(last)}",
                Note = random.NextDouble() < 0.5 ? "" : Sentence(random, 4, 16),
                CreatedAt = IdClock.TimeOf(id),
            });
        }
        return accounts;
    }

    private static List<FollowRow> MakeFollows(DatasetShape shape, Random random, long now, List<AccountRow> accounts, int[] popularity)
    {
        var n = accounts.Count;
        var targetWeights = new double[n];
        var zipf = WeightedSampler.Zipf(n, FollowZipf);
        for (var rank = 0; rank < n; rank++)
            targetWeights[popularity[rank]] = zipf[rank];
        var targets = new WeightedSampler(targetWeights);

        var outDegrees = FollowingCounts(shape, random);
        var edges = new List<(long Time, int Follower, int Target)>(shape.Follows);
        var chosen = new HashSet<int>();
        for (var follower = 0; follower < n; follower++)
        {
            chosen.Clear();
            var attempts = 0;
            while (chosen.Count < outDegrees[follower])
            {
                // The most followed accounts are drawn again and again; past a point, any account will do.
                var target = ++attempts < 50 * outDegrees[follower] ? targets.Sample(random) : random.Next(n);
                if (target != follower)
                    chosen.Add(target);
            }
            foreach (var target in chosen)
            {
                var since = Math.Max(accounts[follower].CreatedAt, accounts[target].CreatedAt);
                edges.Add((random.NextBetween(since, now - 60_000), follower, target));
            }
        }

        edges.Sort((a, b) => a.Time.CompareTo(b.Time));
        var clock = new IdClock();
        var follows = new List<FollowRow>(edges.Count);
        foreach (var (time, follower, target) in edges)
        {
            var id = clock.Next(time);
            follows.Add(new FollowRow(id, accounts[follower].Id, accounts[target].Id, random.NextDouble() < 0.95, IdClock.TimeOf(id)));
            accounts[follower].FollowingCount++;
            accounts[target].FollowersCount++;
        }
        return follows;
    }

    /// <summary>Log-normal following counts (median ≈ 12), capped, then nudged one at a time until they add up exactly.</summary>
    private static int[] FollowingCounts(DatasetShape shape, Random random)
    {
        var n = shape.Accounts;
        var cap = Math.Min(DatasetShape.MaxFollowing, n - 1);
        var mean = (double)shape.Follows / n;
        var mu = Math.Log(Math.Max(mean, 0.01)) - 0.5; // a log-normal with sigma 1 has mean exp(mu + 1/2)
        var counts = new int[n];
        long total = 0;
        for (var i = 0; i < n; i++)
        {
            counts[i] = (int)Math.Clamp(Math.Floor(Math.Exp(mu + random.NextGaussian())), 0, cap);
            total += counts[i];
        }
        while (total != shape.Follows)
        {
            var i = random.Next(n);
            if (total < shape.Follows && counts[i] < cap)
            {
                counts[i]++;
                total++;
            }
            else if (total > shape.Follows && counts[i] > 0)
            {
                counts[i]--;
                total--;
            }
        }
        return counts;
    }

    private static AppRow MakeApp(long createdAt) =>
        new(new IdClock().Next(createdAt), "Pinhole Bench", "bench-client", Hash("bench-secret"), createdAt);

    private static List<TokenRow> MakeTokens(List<AccountRow> accounts, AppRow app)
    {
        var clock = new IdClock();
        return accounts
            .Select(a => (Account: a, Id: clock.Next(a.CreatedAt + 1000)))
            .Select(t => new TokenRow(t.Id, Hash(TokenFor(t.Account.Id)), app.Id, t.Account.Id, IdClock.TimeOf(t.Id)))
            .ToList();
    }

    private static (List<StatusRow>, List<TagRow>, List<StatusTagRow>, List<MentionRow>) MakeStatuses(
        DatasetShape shape, Random random, long now, List<AccountRow> accounts, int[] popularity, AppRow app)
    {
        var authors = new WeightedSampler(ActivityWeights(random, accounts.Count, popularity));
        var tagSampler = new WeightedSampler(WeightedSampler.Zipf(Vocabulary.Tags.Count, TagZipf));
        var start = now - (long)DatasetShape.PostWindow.TotalMilliseconds;
        var times = Enumerable.Range(0, shape.Posts).Select(_ => random.NextBetween(start, now - 60_000)).Order().ToArray();

        var byId = accounts.ToDictionary(a => a.Id);
        var clock = new IdClock();
        var statuses = new List<StatusRow>(shape.Posts);
        var tagUses = new List<(int Status, int Tag)>();
        var mentions = new List<MentionRow>();
        var reblogged = new HashSet<(long Account, long Status)>();
        var postTags = new List<int>();
        for (var k = 0; k < times.Length; k++)
        {
            var id = clock.Next(times[k]);
            var createdAt = IdClock.TimeOf(id);
            var author = authors.Sample(random);
            var roll = random.NextDouble();
            StatusRow? status = null;
            if (roll < ReblogShare && k >= RecentWindow / 10)
                status = TryReblog(random, statuses, k, accounts[author].Id, id, createdAt, reblogged);
            if (status is null && roll < ReblogShare + ReplyShare && k >= RecentWindow / 10)
            {
                var parent = FindRecent(random, statuses, k, s => s.ReblogOfId is null && s.Visibility <= 1);
                if (parent is not null)
                {
                    // A quarter of replies continue the author's own thread.
                    var replier = random.NextDouble() < 0.25 ? parent.AccountId : accounts[author].Id;
                    var mention = replier == parent.AccountId ? "" : "@" + byId[parent.AccountId].Username + " ";
                    status = NewPost(random, id, createdAt, replier, mention, app, postTags, tagSampler,
                        parent.Visibility == 0 && random.NextDouble() < 0.8 ? 0 : 1, parent);
                    parent.RepliesCount++;
                    if (mention.Length > 0)
                        mentions.Add(new MentionRow(id, parent.AccountId));
                }
            }
            status ??= NewPost(random, id, createdAt, accounts[author].Id, "", app, postTags, tagSampler, OriginalVisibility(random), null);
            statuses.Add(status);
            foreach (var tag in postTags)
                tagUses.Add((k, tag));
            postTags.Clear();
        }

        foreach (var status in statuses)
        {
            var account = byId[status.AccountId];
            account.StatusesCount++;
            account.LastStatusAt = status.CreatedAt;
        }

        // A tag row is made by its first use, as the server makes it.
        var firstUse = new Dictionary<int, long>();
        foreach (var (status, tag) in tagUses)
            firstUse.TryAdd(tag, statuses[status].CreatedAt);
        var tagClock = new IdClock();
        var tagIds = new Dictionary<int, long>();
        var tags = new List<TagRow>();
        foreach (var (tag, time) in firstUse.OrderBy(t => t.Value))
        {
            var tagId = tagClock.Next(time);
            tagIds[tag] = tagId;
            tags.Add(new TagRow(tagId, Vocabulary.Tags[tag], IdClock.TimeOf(tagId)));
        }
        var statusTags = tagUses.Select(u => new StatusTagRow(tagIds[u.Tag], statuses[u.Status].Id)).ToList();
        return (statuses, tags, statusTags, mentions);
    }

    /// <summary>Zipf over an activity order that follows popularity loosely (log-rank plus noise); a fifth never post.</summary>
    private static double[] ActivityWeights(Random random, int n, int[] popularity)
    {
        var order = Enumerable.Range(0, n)
            .Select(rank => (Account: popularity[rank], Key: Math.Log(rank + 1) + 1.5 * random.NextGaussian()))
            .OrderBy(x => x.Key)
            .Select(x => x.Account)
            .ToArray();
        var zipf = WeightedSampler.Zipf(n, PostZipf);
        var weights = new double[n];
        for (var rank = 0; rank < n; rank++)
            weights[order[rank]] = zipf[rank];
        for (var rank = Math.Min(100, n - 1); rank < n; rank++)
        {
            if (random.NextDouble() < LurkerShare * n / (n - Math.Min(100, n - 1)))
                weights[popularity[rank]] = 0;
        }
        return weights;
    }

    private static StatusRow? TryReblog(Random random, List<StatusRow> statuses, int k, long author, long id, long createdAt, HashSet<(long, long)> reblogged)
    {
        var original = FindRecent(random, statuses, k, s => s.ReblogOfId is null && s.Visibility <= 1 && s.AccountId != author && !reblogged.Contains((author, s.Id)));
        if (original is null)
            return null;
        reblogged.Add((author, original.Id));
        original.ReblogsCount++;
        return new StatusRow
        {
            Id = id,
            AccountId = author,
            ReblogOfId = original.Id,
            Visibility = random.NextDouble() < 0.9 ? 0 : 1,
            CreatedAt = createdAt,
        };
    }

    private static StatusRow? FindRecent(Random random, List<StatusRow> statuses, int k, Func<StatusRow, bool> suitable)
    {
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var candidate = statuses[random.Next(Math.Max(0, k - RecentWindow), k)];
            if (suitable(candidate))
                return candidate;
        }
        return null;
    }

    private static StatusRow NewPost(Random random, long id, long createdAt, long author, string prefix, AppRow app,
        List<int> tags, WeightedSampler tagSampler, int visibility, StatusRow? parent)
    {
        var text = new StringBuilder(prefix).Append(Sentence(random, 3, 30));
        if (random.NextDouble() < TaggedShare)
        {
            var count = random.NextDouble() switch { < 0.55 => 1, < 0.85 => 2, _ => 3 };
            while (tags.Count < count)
            {
                var tag = tagSampler.Sample(random);
                if (!tags.Contains(tag))
                    tags.Add(tag);
            }
            foreach (var tag in tags)
                text.Append(" #").Append(Vocabulary.Tags[tag]);
        }
        var spoiler = random.NextDouble() < 0.03 ? random.Pick(["food", "eye contact", "flashing lights", "spoilers"]) : "";
        return new StatusRow
        {
            Id = id,
            AccountId = author,
            InReplyToId = parent?.Id,
            InReplyToAccountId = parent?.AccountId,
            Text = text.ToString(),
            SpoilerText = spoiler,
            Visibility = visibility,
            Sensitive = spoiler.Length > 0,
            Language = random.NextDouble() switch { < 0.85 => "en", < 0.9 => "ko", _ => null },
            ApplicationId = random.NextDouble() < 0.6 ? app.Id : null,
            CreatedAt = createdAt,
        };
    }

    private static int OriginalVisibility(Random random) => random.NextDouble() switch { < 0.82 => 0, < 0.92 => 1, _ => 2 };

    private static string Sentence(Random random, int minWords, int maxWords)
    {
        var count = random.Next(minWords, maxWords + 1);
        var text = new StringBuilder(Capitalize(random.Pick(Vocabulary.Words)));
        for (var i = 1; i < count; i++)
            text.Append(' ').Append(random.Pick(Vocabulary.Words));
        return text.Append('.').ToString();
    }

    private static string Capitalize(string word) => string.Concat(char.ToUpperInvariant(word[0]).ToString(), word.AsSpan(1));

    private static int[] Shuffled(int count, Random random)
    {
        var items = Enumerable.Range(0, count).ToArray();
        random.Shuffle(items);
        return items;
    }
}
