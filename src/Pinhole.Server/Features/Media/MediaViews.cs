using System.Globalization;
using System.Text.Json;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Media;

/// <summary>Renders media rows as Mastodon MediaAttachment entities: no URLs until processing is done, as on Mastodon.</summary>
public sealed class MediaViews(PublicUrl urls)
{
    public MediaAttachment Render(MediaRow row)
    {
        var ready = row.State == MediaStates.Ready;
        var meta = ready ? JsonSerializer.Deserialize(row.Meta, MastodonJson.Default.MediaMeta) ?? new MediaMeta() : new MediaMeta();
        var renditions = ready ? JsonSerializer.Deserialize(row.Renditions, MastodonJson.Default.IReadOnlyListStoredRendition) ?? [] : [];
        return new MediaAttachment
        {
            Id = row.Id.ToString(CultureInfo.InvariantCulture),
            Type = row.Type,
            Url = ready ? urls.Media(row.FileKey) : null,
            PreviewUrl = ready && row.PreviewKey is not null ? urls.Media(row.PreviewKey) : null,
            Meta = meta with { Focus = new MediaFocus(row.FocusX, row.FocusY) },
            Description = row.Description,
            Blurhash = ready ? row.Blurhash : null,
            Pinhole = new MediaExtension(row.State, row.Failure, row.Filter,
                renditions.Select(r => new MediaFile(r.Name, urls.Media(r.Key), r.ContentType, r.Width, r.Height, r.Size)).ToList()),
        };
    }
}
