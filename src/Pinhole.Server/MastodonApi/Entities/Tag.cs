using System.Text.Json.Serialization;

namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>Mastodon's Tag: a hashtag with its use over the last seven days, newest day first.</summary>
public sealed record Tag
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string Url { get; init; }
    public required IReadOnlyList<TagHistory> History { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Following { get; init; }
}

/// <summary>One day of a tag's use; Mastodon sends the numbers as strings.</summary>
public sealed record TagHistory(string Day, string Uses, string Accounts);
