namespace Pinhole.Server.MastodonApi.Entities;

/// <summary>Mastodon's Instance (v2): what a client reads first to learn the server's limits.</summary>
public sealed record InstanceV2(
    string Domain,
    string Title,
    string Version,
    string SourceUrl,
    string Description,
    InstanceUsage Usage,
    InstanceThumbnail Thumbnail,
    IReadOnlyList<InstanceIcon> Icon,
    IReadOnlyList<string> Languages,
    InstanceConfiguration Configuration,
    InstanceRegistrations Registrations,
    InstanceApiVersions ApiVersions,
    InstanceContact Contact,
    IReadOnlyList<InstanceRule> Rules);

public sealed record InstanceUsage(InstanceUsers Users);

public sealed record InstanceUsers(long ActiveMonth);

public sealed record InstanceThumbnail(string Url, string? Blurhash, string? Description);

public sealed record InstanceIcon(string Src, string Size);

public sealed record InstanceConfiguration(
    InstanceUrls Urls,
    InstanceVapid Vapid,
    AccountLimits Accounts,
    StatusLimits Statuses,
    MediaLimits MediaAttachments,
    PollLimits Polls,
    InstanceTranslation Translation);

public sealed record InstanceUrls(string Streaming, string? Status, string About, string? PrivacyPolicy, string? TermsOfService);

public sealed record InstanceVapid(string PublicKey);

public sealed record AccountLimits(int MaxFeaturedTags, int MaxPinnedStatuses, int MaxProfileFields, int ProfileFieldNameLimit, int ProfileFieldValueLimit, int MaxDisplayNameLength, int MaxNoteLength);

public sealed record StatusLimits(int MaxCharacters, int MaxMediaAttachments, int CharactersReservedPerUrl);

public sealed record MediaLimits(
    IReadOnlyList<string> SupportedMimeTypes,
    int DescriptionLimit,
    long ImageSizeLimit,
    long ImageMatrixLimit,
    long VideoSizeLimit,
    int VideoFrameRateLimit,
    long VideoMatrixLimit);

public sealed record PollLimits(int MaxOptions, int MaxCharactersPerOption, int MinExpiration, int MaxExpiration);

public sealed record InstanceTranslation(bool Enabled);

public sealed record InstanceRegistrations(bool Enabled, bool ApprovalRequired, bool ReasonRequired, string? Message, int? MinAge, string? Url);

public sealed record InstanceApiVersions(int Mastodon);

public sealed record InstanceContact(string Email, Account? Account);

public sealed record InstanceRule(string Id, string Text, string Hint);

/// <summary>Mastodon's v1 Instance, still read by older clients and libraries.</summary>
public sealed record InstanceV1(
    string Uri,
    string Title,
    string ShortDescription,
    string Description,
    string Email,
    string Version,
    InstanceV1Urls Urls,
    InstanceV1Stats Stats,
    string? Thumbnail,
    IReadOnlyList<string> Languages,
    bool Registrations,
    bool ApprovalRequired,
    bool InvitesEnabled,
    InstanceV1Configuration Configuration,
    Account? ContactAccount,
    IReadOnlyList<InstanceRule> Rules);

public sealed record InstanceV1Urls(string StreamingApi);

public sealed record InstanceV1Stats(long UserCount, long StatusCount, long DomainCount);

public sealed record InstanceV1Configuration(AccountLimits Accounts, StatusLimits Statuses, MediaLimits MediaAttachments, PollLimits Polls);
