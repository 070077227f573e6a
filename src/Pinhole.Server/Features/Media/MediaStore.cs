using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// Where media files live. Served files have unguessable keys (128 random bits), so a file's URL is a capability:
/// only someone who was shown the post holding it can know it. Uploads as received (with whatever location and
/// camera data they carry) are kept apart, as private sources that are never served, until their media is posted
/// or given up. Local disk now; an S3-compatible store implements the same operations.
/// </summary>
public interface IMediaStore
{
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken);

    /// <summary>Stores a finished file (a video rendition) from disk, without reading it into memory.</summary>
    Task PutFileAsync(string key, string path, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>The HTTP response that serves the file, or null when there is no such file.</summary>
    IResult? Serve(string key);

    /// <summary>Takes a spooled upload (moving it when it can) as a private source; returns its key.</summary>
    Task<string> SaveSourceAsync(string spooledPath, CancellationToken cancellationToken);

    /// <summary>A local file to process a source from; disposing it removes any temporary copy.</summary>
    Task<LocalFile> FetchSourceAsync(string key, CancellationToken cancellationToken);

    /// <summary>A served file on local disk, to make another from (a smaller rendition); disposing it removes any temporary copy.</summary>
    Task<LocalFile> FetchAsync(string key, CancellationToken cancellationToken);

    Task DeleteSourceAsync(string key, CancellationToken cancellationToken);
}

/// <summary>A file on local disk for the duration of some work; <see cref="Temporary"/> ones are deleted when done.</summary>
public sealed class LocalFile(string path, bool temporary) : IDisposable
{
    public string Path { get; } = path;

    public bool Temporary { get; } = temporary;

    public void Dispose()
    {
        if (Temporary)
            File.Delete(Path);
    }
}

public static partial class MediaKeys
{
    // ab/cd/abcd…(26 chars)/name.ext: two levels of fan-out keep directories small on local disk.
    [GeneratedRegex("^[a-z2-7]{2}/[a-z2-7]{2}/[a-z2-7]{26}/[a-z0-9_-]{1,32}\\.[a-z0-9]{2,5}$")]
    private static partial Regex Pattern();

    [GeneratedRegex("^src/[a-z2-7]{26}$")]
    private static partial Regex SourcePattern();

    public static bool IsValid(string key) => Pattern().IsMatch(key);

    public static bool IsSource(string key) => SourcePattern().IsMatch(key);

    public static string NewSource() => "src/" + Random();

    /// <summary>A new folder key; files of one upload (original, preview, …) share it.</summary>
    public static string NewFolder()
    {
        var id = Random();
        return $"{id[..2]}/{id[2..4]}/{id}";
    }

    private static string Random()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base32(bytes);
    }

    public static string ContentType(string key) => Path.GetExtension(key) switch
    {
        ".jpg" => "image/jpeg",
        ".png" => "image/png",
        ".webp" => "image/webp",
        ".gif" => "image/gif",
        ".avif" => "image/avif",
        ".mp4" => "video/mp4",
        ".m4a" => "audio/mp4",
        ".webm" => "video/webm",
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

/// <summary>
/// Media files under <c>{DataDir}/media</c> (served) and <c>{DataDir}/sources</c> (private), written through a
/// temporary name so a crash never leaves half a file behind.
/// </summary>
public sealed class LocalMediaStore(IOptions<PinholeOptions> options) : IMediaStore
{
    private readonly string _root = Path.GetFullPath(Path.Combine(options.Value.DataDir, "media"));
    private readonly string _sources = Path.GetFullPath(Path.Combine(options.Value.DataDir, "sources"));

    public async Task PutAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            await content.CopyToAsync(file, cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public async Task PutFileAsync(string key, string path, CancellationToken cancellationToken)
    {
        await using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
        await PutAsync(key, content, cancellationToken);
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

    public Task<string> SaveSourceAsync(string spooledPath, CancellationToken cancellationToken)
    {
        var key = MediaKeys.NewSource();
        Directory.CreateDirectory(_sources);
        File.Move(spooledPath, SourcePathOf(key));
        return Task.FromResult(key);
    }

    public Task<LocalFile> FetchSourceAsync(string key, CancellationToken cancellationToken)
    {
        var path = SourcePathOf(key);
        return File.Exists(path)
            ? Task.FromResult(new LocalFile(path, temporary: false))
            : throw new FileNotFoundException("The source of this media is gone.", key);
    }

    public Task<LocalFile> FetchAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        return File.Exists(path)
            ? Task.FromResult(new LocalFile(path, temporary: false))
            : throw new FileNotFoundException("This media file is gone.", key);
    }

    public Task DeleteSourceAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(SourcePathOf(key));
        return Task.CompletedTask;
    }

    private string PathOf(string key) =>
        MediaKeys.IsValid(key) ? Path.Combine(_root, key) : throw new ArgumentException("Not a media key.", nameof(key));

    private string SourcePathOf(string key) =>
        MediaKeys.IsSource(key) ? Path.Combine(_sources, key[4..]) : throw new ArgumentException("Not a source key.", nameof(key));
}
