using System.Globalization;
using System.Text.Json;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Media;

/// <summary>Renders media rows as Mastodon MediaAttachment entities.</summary>
public sealed class MediaViews(PublicUrl urls)
{
    public MediaAttachment Render(MediaRow row)
    {
        var meta = JsonSerializer.Deserialize(row.Meta, MastodonJson.Default.MediaMeta) ?? new MediaMeta();
        return new MediaAttachment
        {
            Id = row.Id.ToString(CultureInfo.InvariantCulture),
            Type = row.Type,
            Url = urls.Media(row.FileKey),
            PreviewUrl = row.PreviewKey is null ? null : urls.Media(row.PreviewKey),
            Meta = meta with { Focus = new MediaFocus(row.FocusX, row.FocusY) },
            Description = row.Description,
            Blurhash = row.Blurhash,
        };
    }
}
