using System.Globalization;
using System.Text;
using Pinhole.Bench.Dataset;

namespace Pinhole.Bench.Load;

/// <summary>One kind of request the benchmark makes, each time as a different, randomly chosen user.</summary>
public sealed class Scenario
{
    private readonly Func<HttpRequestMessage> _newRequest;

    private Scenario(string name, string description, Func<HttpRequestMessage> newRequest)
    {
        Name = name;
        Description = description;
        _newRequest = newRequest;
    }

    public string Name { get; }

    public string Description { get; }

    public HttpRequestMessage NewRequest() => _newRequest();

    public const string Names = "health, home, tag, post, notifications, search, search-accounts, trends-tags, trends-statuses";

    public static Scenario Create(string name, Uri baseUrl, IReadOnlyList<BenchUser> users, string tag)
    {
        if (name != "health" && users.Count == 0)
            throw new UsageException($"The {name} scenario needs --tokens FILE (written by generate).");
        var bearers = users.Select(u => "Bearer " + u.Token).ToArray();
        string RandomBearer() => bearers[Random.Shared.Next(bearers.Length)];
        Scenario Get(string path)
        {
            var url = new Uri(baseUrl, path);
            return new Scenario(name, $"GET {path}", () => Authorized(HttpMethod.Get, url, RandomBearer()));
        }

        switch (name)
        {
            case "health":
            {
                var url = new Uri(baseUrl, "/health");
                return new Scenario(name, "GET /health", () => new HttpRequestMessage(HttpMethod.Get, url));
            }
            case "home":
                return Get("/api/v1/timelines/home?limit=20");
            case "tag":
                return Get($"/api/v1/timelines/tag/{Uri.EscapeDataString(tag)}?limit=20");
            case "trends-tags":
                return Get("/api/v1/trends/tags");
            case "trends-statuses":
                return Get("/api/v1/trends/statuses");
            case "notifications":
            {
                // Whoever opens their notifications has some: a random user among those who received any.
                var notified = users.Where(u => u.Notifications > 0).Select(u => "Bearer " + u.Token).ToArray();
                if (notified.Length == 0)
                    throw new UsageException("Nobody in --tokens has notifications; generate the dataset with --social.");
                var url = new Uri(baseUrl, "/api/v1/notifications");
                return new Scenario(name, "GET /api/v1/notifications (default page: 40), a random user who has notifications",
                    () => Authorized(HttpMethod.Get, url, notified[Random.Shared.Next(notified.Length)]));
            }
            case "search":
            {
                // One word of the posts' vocabulary, each as likely as it is in the posts (the generator draws them uniformly).
                var words = Vocabulary.Words;
                return new Scenario(name, "GET /api/v2/search?q=WORD&type=statuses&resolve=false, WORD drawn from the posts' vocabulary", () =>
                    Authorized(HttpMethod.Get,
                        new Uri(baseUrl, $"/api/v2/search?q={Uri.EscapeDataString(words[Random.Shared.Next(words.Length)])}&type=statuses&resolve=false"),
                        RandomBearer()));
            }
            case "search-accounts":
            {
                var prefixes = users.Where(u => u.Username is { Length: >= 3 }).Select(u => u.Username![..3]).ToArray();
                if (prefixes.Length == 0)
                    throw new UsageException("--tokens has no usernames (a tokens.tsv from an older generate); generate again.");
                return new Scenario(name, "GET /api/v2/search?q=ABC&type=accounts&resolve=false, ABC the first 3 letters of a random username", () =>
                    Authorized(HttpMethod.Get,
                        new Uri(baseUrl, $"/api/v2/search?q={Uri.EscapeDataString(prefixes[Random.Shared.Next(prefixes.Length)])}&type=accounts&resolve=false"),
                        RandomBearer()));
            }
            case "post":
            {
                var url = new Uri(baseUrl, "/api/v1/statuses");
                var tags = new WeightedSampler(WeightedSampler.Zipf(Vocabulary.Tags.Count, DatasetBuilder.TagZipf));
                return new Scenario(name, "POST /api/v1/statuses (form: status with 1–2 hashtags)", () =>
                {
                    var request = Authorized(HttpMethod.Post, url, RandomBearer());
                    request.Content = new StringContent(PostForm(tags), Encoding.ASCII, "application/x-www-form-urlencoded");
                    return request;
                });
            }
            default:
                throw new UsageException($"--scenario must be one of {Names}, not '{name}'.");
        }
    }

    private static HttpRequestMessage Authorized(HttpMethod method, Uri url, string bearer)
    {
        var request = new HttpRequestMessage(method, url);
        request.Headers.TryAddWithoutValidation("Authorization", bearer);
        return request;
    }

    /// <summary>A dozen words and one or two hashtags, form-encoded as Mastodon clients send a new post.</summary>
    private static string PostForm(WeightedSampler tags)
    {
        var random = Random.Shared;
        var text = new StringBuilder();
        var words = random.Next(6, 20);
        for (var i = 0; i < words; i++)
            text.Append(i == 0 ? "" : " ").Append(Vocabulary.Words[random.Next(Vocabulary.Words.Length)]);
        var first = tags.Sample(random);
        text.Append(" #").Append(Vocabulary.Tags[first]);
        if (random.Next(2) == 0)
        {
            var second = tags.Sample(random);
            if (second != first)
                text.Append(" #").Append(Vocabulary.Tags[second]);
        }
        return "status=" + Uri.EscapeDataString(text.ToString()) + "&visibility=public&language=en";
    }

    /// <summary>
    /// The users of a tokens.tsv written by <c>generate</c>: account id, bearer token, following count, and (since
    /// the social dataset) notifications received and username.
    /// </summary>
    public static IReadOnlyList<BenchUser> ReadUsers(string? path)
    {
        if (path is null)
            return [];
        return File.ReadLines(path)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length >= 2 && long.TryParse(fields[0], CultureInfo.InvariantCulture, out _))
            .Select(fields => new BenchUser(
                long.Parse(fields[0], CultureInfo.InvariantCulture),
                fields[1],
                fields.Length > 3 ? int.Parse(fields[3], CultureInfo.InvariantCulture) : 0,
                fields.Length > 4 ? fields[4] : null))
            .ToArray();
    }
}

public sealed record BenchUser(long AccountId, string Token, int Notifications, string? Username);
