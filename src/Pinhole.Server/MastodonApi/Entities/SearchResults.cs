namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>Mastodon's Search result (v2).</summary>
public sealed record SearchResults(IReadOnlyList<Account> Accounts, IReadOnlyList<Status> Statuses, IReadOnlyList<Tag> Hashtags);
