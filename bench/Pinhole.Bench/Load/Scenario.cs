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

    public const string Names = "health, home, tag, post";

    public static Scenario Create(string name, Uri baseUrl, IReadOnlyList<string> tokens, string tag)
    {
        if (name != "health" && tokens.Count == 0)
            throw new UsageException($"The {name} scenario needs --tokens FILE (written by generate).");
        var bearers = tokens.Select(t => "Bearer " + t).ToArray();
        string RandomBearer() => bearers[Random.Shared.Next(bearers.Length)];

        switch (name)
        {
            case "health":
            {
                var url = new Uri(baseUrl, "/health");
                return new Scenario(name, "GET /health", () => new HttpRequestMessage(HttpMethod.Get, url));
            }
            case "home":
            {
                var url = new Uri(baseUrl, "/api/v1/timelines/home?limit=20");
                return new Scenario(name, "GET /api/v1/timelines/home?limit=20", () => Authorized(HttpMethod.Get, url, RandomBearer()));
            }
            case "tag":
            {
                var url = new Uri(baseUrl, $"/api/v1/timelines/tag/{Uri.EscapeDataString(tag)}?limit=20");
                return new Scenario(name, $"GET /api/v1/timelines/tag/{tag}?limit=20", () => Authorized(HttpMethod.Get, url, RandomBearer()));
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

    /// <summary>Bearer tokens from the second column of a tokens.tsv written by <c>generate</c>.</summary>
    public static IReadOnlyList<string> ReadTokens(string? path)
    {
        if (path is null)
            return [];
        return File.ReadLines(path)
            .Select(line => line.Split('\t'))
            .Where(fields => fields.Length >= 2 && long.TryParse(fields[0], CultureInfo.InvariantCulture, out _))
            .Select(fields => fields[1])
            .ToArray();
    }
}
