using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pinhole.Server.Features.Media;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.MastodonApi;

/// <summary>
/// The API's JSON, generated at compile time: snake_case names and Mastodon's timestamp format
/// ("2019-12-08T03:48:33.901Z"). Every type the API sends or reads is listed here.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    Converters = [typeof(MastodonTimestampConverter)])]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(Account))]
[JsonSerializable(typeof(IReadOnlyList<Account>))]
[JsonSerializable(typeof(Relationship))]
[JsonSerializable(typeof(IReadOnlyList<Relationship>))]
[JsonSerializable(typeof(Status))]
[JsonSerializable(typeof(IReadOnlyList<Status>))]
[JsonSerializable(typeof(StatusContext))]
[JsonSerializable(typeof(MediaAttachment))]
[JsonSerializable(typeof(MediaMeta))]
[JsonSerializable(typeof(Pinhole.Server.Features.Statuses.NewStatus))]
[JsonSerializable(typeof(ScheduledStatus))]
[JsonSerializable(typeof(IReadOnlyList<ScheduledStatus>))]
[JsonSerializable(typeof(IReadOnlyList<StoredRendition>))]
[JsonSerializable(typeof(List<FilterEndpoints.FilterEntity>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Application))]
[JsonSerializable(typeof(Token))]
[JsonSerializable(typeof(InstanceV1))]
[JsonSerializable(typeof(InstanceV2))]
[JsonSerializable(typeof(IReadOnlyList<AccountField>))]
[JsonSerializable(typeof(AuthorizationServerMetadata))]
[JsonSerializable(typeof(EmptyObject))]
[JsonSerializable(typeof(AdminAccount))]
[JsonSerializable(typeof(Notification))]
[JsonSerializable(typeof(IReadOnlyList<Notification>))]
[JsonSerializable(typeof(UnreadCount))]
[JsonSerializable(typeof(SearchResults))]
[JsonSerializable(typeof(IReadOnlyList<StatusEdit>))]
[JsonSerializable(typeof(StatusSource))]
[JsonSerializable(typeof(IReadOnlyList<MediaVersion>))]
[JsonSerializable(typeof(List))]
[JsonSerializable(typeof(IReadOnlyList<List>))]
[JsonSerializable(typeof(Tag))]
[JsonSerializable(typeof(IReadOnlyList<Tag>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, Marker>))]
[JsonSerializable(typeof(IReadOnlyList<AdminAccount>))]
[JsonSerializable(typeof(Place))]
[JsonSerializable(typeof(IReadOnlyList<Place>))]
[JsonSerializable(typeof(Organization))]
[JsonSerializable(typeof(IReadOnlyList<Organization>))]
[JsonSerializable(typeof(OrganizationMember))]
[JsonSerializable(typeof(IReadOnlyList<OrganizationMember>))]
[JsonSerializable(typeof(IReadOnlyList<OrganizationAuditEntry>))]
[JsonSerializable(typeof(OrganizationSubmission))]
[JsonSerializable(typeof(IReadOnlyList<OrganizationSubmission>))]
[JsonSerializable(typeof(Filter))]
[JsonSerializable(typeof(IReadOnlyList<Filter>))]
[JsonSerializable(typeof(FilterKeyword))]
[JsonSerializable(typeof(IReadOnlyList<FilterKeyword>))]
[JsonSerializable(typeof(FilterStatus))]
[JsonSerializable(typeof(IReadOnlyList<FilterStatus>))]
[JsonSerializable(typeof(V1Filter))]
[JsonSerializable(typeof(IReadOnlyList<V1Filter>))]
[JsonSerializable(typeof(Conversation))]
[JsonSerializable(typeof(IReadOnlyList<Conversation>))]
public sealed partial class MastodonJson : JsonSerializerContext;

/// <summary>UTC, millisecond precision, trailing Z: what Mastodon sends and every client parses.</summary>
public sealed class MastodonTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
