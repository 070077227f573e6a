namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>Mastodon's List: a reader's own curated feed of some of the accounts they follow.</summary>
public sealed record List(string Id, string Title, string RepliesPolicy, bool Exclusive);
