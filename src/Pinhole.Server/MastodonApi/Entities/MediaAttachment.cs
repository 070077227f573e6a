using System.Text.Json.Serialization;

namespace Pinhole.Server.MastodonApi.Entities;

public sealed record MediaAttachment
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public required string? Url { get; init; }
    public required string? PreviewUrl { get; init; }
    public string? RemoteUrl { get; init; }
    public required MediaMeta Meta { get; init; }
    public required string? Description { get; init; }
    public required string? Blurhash { get; init; }
}

public sealed record MediaMeta
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MediaSize? Original { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MediaSize? Small { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MediaFocus? Focus { get; init; }
}

public sealed record MediaSize(int Width, int Height, string Size, double Aspect)
{
    public static MediaSize Of(int width, int height) =>
        new(width, height, $"{width}x{height}", height == 0 ? 0 : (double)width / height);
}

public sealed record MediaFocus(double X, double Y);
