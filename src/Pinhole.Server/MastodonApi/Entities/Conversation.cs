namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>Mastodon's Conversation: a direct thread as one participant sees it, with the others in it and its newest post.</summary>
public sealed record Conversation(string Id, bool Unread, IReadOnlyList<Account> Accounts, Status? LastStatus);
