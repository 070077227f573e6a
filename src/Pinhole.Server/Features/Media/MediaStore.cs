using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// Where media files live. Keys are unguessable (128 random bits), so a file's URL is a capability: only
/// someone who was shown the post holding it can know it. Local disk now; an S3-compatible store implements
/// the same three operations.
/// </summary>
public interface IMediaStore
{
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>The HTTP response that serves the file, or null when there is no such file.</summary>
    IResult? Serve(string key);
}

public static partial class MediaKeys
{
    // ab/cd/abcd…(26 chars)/name.ext: two levels of fan-out keep directories small on local disk.
    [GeneratedRegex("^[a-z2-7]{2}/[a-z2-7]{2}/[a-z2-7]{26}/[a-z0-9_-]{1,32}\\.[a-z0-9]{2,5}$")]
    private static partial Regex Pattern();

    public static bool IsValid(string key) => Pattern().IsMatch(key);

    /// <summary>A new folder key; files of one upload (original, preview, …) share it.</summary>
    public static string NewFolder()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        var id = Base32(bytes);
        return $"{id[..2]}/{id[2..4]}/{id}";
    }

    public static string ContentType(string key) => Path.GetExtension(key) switch
    {
        ".jpg" => "image/jpeg",
        ".png" => "image/png",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        ".avif" => "image/avif",
        ".mp4" => "video/mp4",
        ".webm" => "video/webm",
        ".m4a" => "audio/mp4",
        _ => "application/octet-stream",
    };

    private static string Base32(ReadOnlySpan<byte> bytes)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var chars = new char[(bytes.Length * 8 + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[index++] = alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }
        if (bits > 0)
            chars[index++] = alphabet[(buffer << (5 - bits)) & 31];
        return new string(chars, 0, index);
    }
}

/// <summary>Media files under <c>{DataDir}/media</c>, written through a temporary name so a crash never leaves half a file behind.</summary>
public sealed class LocalMediaStore(IOptions<PinholeOptions> options) : IMediaStore
{
    private readonly string _root = Path.GetFullPath(Path.Combine(options.Value.DataDir, "media"));

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            await content.CopyToAsync(file, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        File.Delete(path);
        var folder = Path.GetDirectoryName(path)!;
        if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
            Directory.Delete(folder);
        return Task.CompletedTask;
    }

    public IResult? Serve(string key)
    {
        var path = PathOf(key);
        return File.Exists(path)
            ? TypedResults.PhysicalFile(path, MediaKeys.ContentType(key), enableRangeProcessing: true)
            : null;
    }

    private string PathOf(string key) =>
        MediaKeys.IsValid(key) ? Path.Combine(_root, key) : throw new ArgumentException("Not a media key.", nameof(key));
}
