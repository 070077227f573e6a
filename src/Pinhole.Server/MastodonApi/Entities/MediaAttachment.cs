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

    /// <summary>Pinhole's extension: processing state, the filter, and every size and format made from the upload.</summary>
    public required MediaExtension Pinhole { get; init; }
}

/// <summary>What Mastodon's MediaAttachment does not carry: state and reason, filter, and all renditions (for <c>srcset</c>).</summary>
public sealed record MediaExtension(string State, string? Failure, string? Filter, IReadOnlyList<MediaFile> Renditions);

/// <summary>One file made from an upload.</summary>
public sealed record MediaFile(string Name, string Url, string ContentType, int Width, int Height, long Size);

public sealed record MediaMeta
{
    /// <summary>Video and audio: duration as "0:00:12.34".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Length { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Duration { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Fps { get; init; }

    /// <summary>Video and GIFV: the served file's size, at the top level as Mastodon writes it.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Size { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Width { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Height { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Aspect { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AudioEncode { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AudioBitrate { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? AudioChannels { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MediaSize? Original { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MediaSize? Small { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MediaFocus? Focus { get; init; }
}

/// <summary>A file's dimensions; audio has only duration and bitrate.</summary>
public sealed record MediaSize
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Width { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Height { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Size { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Aspect { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FrameRate { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Duration { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Bitrate { get; init; }

    public static MediaSize Of(int width, int height) =>
        new() { Width = width, Height = height, Size = $"{width}x{height}", Aspect = height == 0 ? 0 : (double)width / height };
}

public sealed record MediaFocus(double X, double Y);
