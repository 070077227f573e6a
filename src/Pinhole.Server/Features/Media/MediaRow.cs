namespace Pinhole.Server.Features.Media;

/// <summary>A <c>media_attachments</c> row, as selected with <see cref="Columns"/>.</summary>
public sealed class MediaRow
{
    public const string Columns =
        "m.id, m.account_id, m.status_id, m.position, m.type, m.file_key, m.content_type, m.preview_key, m.meta, m.blurhash, " +
        "m.description, m.focus_x, m.focus_y, m.state, m.failure, m.source_key, m.size, m.filter, m.renditions";

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
    public string State { get; init; } = MediaStates.Ready;
    public string? Failure { get; init; }
    public string? SourceKey { get; init; }
    public long Size { get; init; }
    public string? Filter { get; init; }
    public string Renditions { get; init; } = "[]";
}

public static class MediaStates
{
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}
