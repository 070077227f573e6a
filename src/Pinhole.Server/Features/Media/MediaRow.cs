namespace Pinhole.Server.Features.Media;

/// <summary>A <c>media_attachments</c> row, as selected with <see cref="Columns"/>.</summary>
public sealed class MediaRow
{
    public const string Columns =
        "m.id, m.account_id, m.status_id, m.position, m.type, m.file_key, m.content_type, m.preview_key, m.meta, m.blurhash, m.description, m.focus_x, m.focus_y";

    public long Id { get; init; }
    public long AccountId { get; init; }
    public long? StatusId { get; init; }
    public int Position { get; init; }
    public string Type { get; init; } = "image";
    public string FileKey { get; init; } = "";
    public string ContentType { get; init; } = "";
    public string? PreviewKey { get; init; }
    public string Meta { get; init; } = "{}";
    public string? Blurhash { get; init; }
    public string? Description { get; init; }
    public double FocusX { get; init; }
    public double FocusY { get; init; }
}
