using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pinhole.Data;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Instance;

/// <summary>What a client reads before anything else: the server's name, its real limits and how to register.</summary>
public static class InstanceEndpoints
{
    /// <summary>The Mastodon API version Pinhole speaks, as clients read it from <c>version</c>.</summary>
    public const string CompatibleVersion = "4.3.0 (compatible; Pinhole 0.1.0)";

    /// <summary>What uploads may be; the bytes decide, so these are what the sniffer and ffprobe recognise.</summary>
    public static readonly IReadOnlyList<string> MediaTypes =
    [
        "image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif", "image/avif",
        "video/mp4", "video/quicktime", "video/webm", "video/3gpp", "video/x-m4v",
        "audio/mp4", "audio/x-m4a", "audio/mpeg", "audio/ogg", "audio/wav", "audio/flac",
    ];

    public static RouteGroupBuilder MapInstance(this RouteGroupBuilder api)
    {
        api.MapGet("/v1/instance", V1);
        api.MapGet("/v2/instance", V2);
        return api;
    }

    private static async Task<Ok<InstanceV2>> V2(IOptions<PinholeOptions> options, PublicUrl urls, Db db, TimeProvider time, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var activeMonth = await CountAsync(db,
            "SELECT COUNT(*) FROM accounts WHERE last_status_at >= @since", new { since = time.GetUtcNow().AddDays(-30).ToUnixTimeMilliseconds() }, cancellationToken);
        return TypedResults.Ok(new InstanceV2(
            Domain: urls.Domain,
            Title: settings.Title,
            Version: CompatibleVersion,
            SourceUrl: settings.SourceUrl,
            Description: settings.Description,
            Usage: new InstanceUsage(new InstanceUsers(activeMonth)),
            Thumbnail: new InstanceThumbnail(urls.Asset("images/header.png"), null, null),
            Icon: [],
            Languages: ["en"],
            Configuration: new InstanceConfiguration(
                Urls: new InstanceUrls(StreamingUrl(urls), null, urls.Base, null, null),
                Vapid: new InstanceVapid(""),
                Accounts: AccountLimits(),
                Statuses: StatusLimits(settings),
                MediaAttachments: MediaLimits(settings),
                Polls: new PollLimits(0, 0, 0, 0),
                Translation: new InstanceTranslation(false)),
            Registrations: new InstanceRegistrations(
                settings.Registrations != RegistrationMode.Closed, settings.Registrations == RegistrationMode.Approval,
                settings.Registrations == RegistrationMode.Approval, null, null, null),
            ApiVersions: new InstanceApiVersions(2),
            Contact: new InstanceContact(settings.ContactEmail, null),
            Rules: []));
    }

    private static async Task<Ok<InstanceV1>> V1(IOptions<PinholeOptions> options, PublicUrl urls, Db db, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        return TypedResults.Ok(new InstanceV1(
            Uri: urls.Domain,
            Title: settings.Title,
            ShortDescription: settings.Description,
            Description: settings.Description,
            Email: settings.ContactEmail,
            Version: CompatibleVersion,
            Urls: new InstanceV1Urls(StreamingUrl(urls)),
            Stats: new InstanceV1Stats(
                await CountAsync(db, "SELECT COUNT(*) FROM users", new { }, cancellationToken),
                await CountAsync(db, "SELECT COUNT(*) FROM statuses WHERE reblog_of_id IS NULL", new { }, cancellationToken),
                0),
            Thumbnail: urls.Asset("images/header.png"),
            Languages: ["en"],
            Registrations: settings.Registrations != RegistrationMode.Closed,
            ApprovalRequired: settings.Registrations == RegistrationMode.Approval,
            InvitesEnabled: false,
            Configuration: new InstanceV1Configuration(AccountLimits(), StatusLimits(settings), MediaLimits(settings), new PollLimits(0, 0, 0, 0)),
            ContactAccount: null,
            Rules: []));
    }

    private static string StreamingUrl(PublicUrl urls) =>
        urls.Base.StartsWith("https://", StringComparison.Ordinal) ? "wss://" + urls.Base[8..] : "ws://" + urls.Base[7..];

    private static AccountLimits AccountLimits() =>
        new(MaxFeaturedTags: 0, MaxPinnedStatuses: Pins.PinEndpoints.MaxPinned, Accounts.ProfileUpdate.MaxFields, Accounts.ProfileUpdate.MaxFieldLength,
            Accounts.ProfileUpdate.MaxFieldLength, Accounts.ProfileUpdate.MaxDisplayName, Accounts.ProfileUpdate.MaxNote);

    private static StatusLimits StatusLimits(PinholeOptions settings) =>
        new(settings.Statuses.MaxCharacters, settings.Statuses.MaxMediaAttachments, Statuses.StatusText.UrlLength);

    private static MediaLimits MediaLimits(PinholeOptions settings) =>
        new(MediaTypes, settings.Media.DescriptionLimit, settings.Media.MaxImageBytes, settings.Media.MaxImagePixels,
            settings.Media.MaxVideoBytes, (int)settings.Media.MaxVideoFrameRate, (long)settings.Media.MaxVideoLongEdge * settings.Media.MaxVideoShortEdge);

    private static async Task<long> CountAsync(Db db, string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(connection.Command(sql, parameters, cancellationToken: cancellationToken));
    }
}
