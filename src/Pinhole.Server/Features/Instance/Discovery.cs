using System.Text.Json.Serialization;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Instance;

/// <summary>WebFinger (finding <c>@user@domain</c>) and NodeInfo (what software this is), which clients and crawlers use to start.</summary>
public static class Discovery
{
    public static IEndpointRouteBuilder MapDiscovery(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/webfinger", WebFinger);
        app.MapGet("/.well-known/nodeinfo", NodeInfoLinks);
        app.MapGet("/nodeinfo/2.0", NodeInfo);
        return app;
    }

    private static async Task<IResult> WebFinger(string? resource, PublicUrl urls, Db db, CancellationToken cancellationToken)
    {
        var username = UsernameOf(resource, urls);
        if (username is null)
            return TypedResults.NotFound();
        await using var connection = await db.OpenAsync(cancellationToken);
        var found = await connection.QuerySingleOrDefaultAsync<string>(connection.Command(
            "SELECT username FROM accounts WHERE username_key = @key", new { key = username.ToLowerInvariant() }, cancellationToken: cancellationToken));
        if (found is null)
            return TypedResults.NotFound();
        var document = new WebFingerDocument(
            $"acct:{found}@{urls.Domain}",
            [urls.Profile(found), urls.ActorUri(found)],
            [new WebFingerLink("http://webfinger.net/rel/profile-page", "text/html", urls.Profile(found))]);
        return TypedResults.Json(document, DiscoveryJson.Default.WebFingerDocument, "application/jrd+json");
    }

    /// <summary><c>acct:user@domain</c>, <c>user@domain</c> or a profile URL on this server; null for anything else.</summary>
    private static string? UsernameOf(string? resource, PublicUrl urls)
    {
        if (string.IsNullOrEmpty(resource) || resource.Length > 300)
            return null;
        if (resource.StartsWith(urls.Base + "/@", StringComparison.OrdinalIgnoreCase))
            return resource[(urls.Base.Length + 2)..];
        if (resource.StartsWith(urls.Base + "/users/", StringComparison.OrdinalIgnoreCase))
            return resource[(urls.Base.Length + 7)..];
        var acct = resource.StartsWith("acct:", StringComparison.OrdinalIgnoreCase) ? resource[5..] : resource;
        var at = acct.LastIndexOf('@');
        return at > 0 && string.Equals(acct[(at + 1)..], urls.Domain, StringComparison.OrdinalIgnoreCase) ? acct[..at].TrimStart('@') : null;
    }

    private static JsonHttpResult<NodeInfoLinks> NodeInfoLinks(PublicUrl urls) =>
        TypedResults.Json(new NodeInfoLinks([new NodeInfoLink("http://nodeinfo.diaspora.software/ns/schema/2.0", urls.Base + "/nodeinfo/2.0")]),
            DiscoveryJson.Default.NodeInfoLinks);

    private static async Task<IResult> NodeInfo(Db db, IOptions<PinholeOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        var now = time.GetUtcNow();
        var counts = await connection.QuerySingleAsync<NodeCounts>(connection.Command(
            """
            SELECT (SELECT COUNT(*) FROM users) AS total,
                   (SELECT COUNT(*) FROM accounts WHERE last_status_at >= @month) AS active_month,
                   (SELECT COUNT(*) FROM accounts WHERE last_status_at >= @halfYear) AS active_half_year,
                   (SELECT COUNT(*) FROM statuses WHERE reblog_of_id IS NULL) AS posts
            """,
            new { month = now.AddDays(-30).ToUnixTimeMilliseconds(), halfYear = now.AddDays(-180).ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken));
        var document = new NodeInfoDocument(
            "2.0",
            new NodeInfoSoftware("pinhole", "0.1.0"),
            // Pinhole does not federate (yet), so it claims no protocol rather than one it does not speak.
            [],
            new NodeInfoServices([], []),
            options.Value.Registrations != RegistrationMode.Closed,
            new NodeInfoUsage(new NodeInfoUsers(counts.Total, counts.ActiveMonth, counts.ActiveHalfYear), counts.Posts),
            new Dictionary<string, string> { ["nodeName"] = options.Value.Title });
        return TypedResults.Json(document, DiscoveryJson.Default.NodeInfoDocument,
            "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.0#\"");
    }

    private sealed class NodeCounts
    {
        public long Total { get; init; }
        public long ActiveMonth { get; init; }
        public long ActiveHalfYear { get; init; }
        public long Posts { get; init; }
    }
}

public sealed record WebFingerDocument(string Subject, IReadOnlyList<string> Aliases, IReadOnlyList<WebFingerLink> Links);

public sealed record WebFingerLink(string Rel, string Type, string Href);

public sealed record NodeInfoLinks(IReadOnlyList<NodeInfoLink> Links);

public sealed record NodeInfoLink(string Rel, string Href);

public sealed record NodeInfoDocument(
    string Version,
    NodeInfoSoftware Software,
    IReadOnlyList<string> Protocols,
    NodeInfoServices Services,
    bool OpenRegistrations,
    NodeInfoUsage Usage,
    IReadOnlyDictionary<string, string> Metadata);

public sealed record NodeInfoSoftware(string Name, string Version);

public sealed record NodeInfoServices(IReadOnlyList<string> Inbound, IReadOnlyList<string> Outbound);

public sealed record NodeInfoUsage(NodeInfoUsers Users, long LocalPosts);

public sealed record NodeInfoUsers(long Total, long ActiveMonth, long ActiveHalfyear);

/// <summary>WebFinger and NodeInfo speak camelCase, unlike the Mastodon API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(WebFingerDocument))]
[JsonSerializable(typeof(NodeInfoLinks))]
[JsonSerializable(typeof(NodeInfoDocument))]
public sealed partial class DiscoveryJson : JsonSerializerContext;
