namespace Pinhole.Server.Features.Media;

/// <summary>One file made from an upload, as recorded in <c>media_attachments.renditions</c>.</summary>
public sealed record StoredRendition(string Name, string Key, string ContentType, int Width, int Height, long Size);
