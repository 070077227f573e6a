using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Statuses;

/// <summary>A post names media still being processed: refused with a 422, or held until they are ready if the client asked.</summary>
public sealed class MediaPendingException(IReadOnlyList<long> mediaIds)
    : Exception($"media still being processed: {string.Join(", ", mediaIds)}")
{
    public IReadOnlyList<long> MediaIds { get; } = mediaIds;

    public ApiException AsRefusal() => ApiException.Unprocessable($"Validation failed: {Message}");
}
