using System.Collections.Frozen;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Pinhole.Server.Web;

/// <summary>
/// The web app's files (wwwroot: CSS, JavaScript, icons), read once at start, compressed once with Brotli and gzip
/// at their best settings, and served from memory. Pages link them with a content hash (<see cref="Url"/>), so a
/// browser keeps each for a year and asks again only when it changed; on a 3G link a page's second visit costs its
/// HTML alone.
/// </summary>
public sealed class StaticAssets
{
    private static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".webmanifest"] = "application/manifest+json",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary();

    private static readonly string[] Compressible = [".css", ".js", ".svg", ".webmanifest", ".txt"];

    private sealed record Asset(string Path, string ContentType, byte[] Plain, byte[]? Brotli, byte[]? Gzip, string Hash)
    {
        public string ETag => $"\"{Hash}\"";
    }

    private readonly FrozenDictionary<string, Asset> _assets;

    public StaticAssets(IWebHostEnvironment environment)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        Collect(environment.WebRootFileProvider, "", files);
        // Scripts share one version: a module loads the others by its own address's version (import.meta.url), so a
        // change to any script moves them all to new addresses together.
        var scripts = files.Where(f => f.Key.EndsWith(".js", StringComparison.Ordinal)).OrderBy(f => f.Key, StringComparer.Ordinal)
            .SelectMany(f => Encoding.UTF8.GetBytes(f.Key).Concat(f.Value)).ToArray();
        var scriptVersion = HashOf(scripts);
        _assets = files.Select(f => Make(f.Key, f.Value, f.Key.EndsWith(".js", StringComparison.Ordinal) ? scriptVersion : null))
            .ToFrozenDictionary(a => a.Path, StringComparer.Ordinal);
    }

    /// <summary>The URL a page links <paramref name="path"/> by: with its content hash, so it can be kept for a year.</summary>
    public string Url(string path) =>
        _assets.TryGetValue(path, out var asset) ? $"{path}?v={asset.Hash}" : throw new ArgumentException($"No asset {path} in wwwroot", nameof(path));

    /// <summary>Serves the request if it names an asset; false otherwise.</summary>
    public async Task<bool> TryServeAsync(HttpContext http)
    {
        var request = http.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || !_assets.TryGetValue(request.Path.Value ?? "", out var asset))
            return false;
        var response = http.Response;
        var headers = response.Headers;
        headers.ContentType = asset.ContentType;
        headers.ETag = asset.ETag;
        headers.Vary = HeaderNames.AcceptEncoding;
        headers.XContentTypeOptions = "nosniff";
        // A hashed URL never changes its content; anything else (an old link, an API entity's default avatar) is checked each time.
        headers.CacheControl = request.Query["v"] == asset.Hash
            ? "public, max-age=31536000, immutable"
            : "no-cache";
        if (request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return true;
        }
        var accepted = request.Headers.AcceptEncoding.ToString();
        var (body, encoding) = asset.Brotli is not null && accepted.Contains("br", StringComparison.Ordinal) ? (asset.Brotli, "br")
            : asset.Gzip is not null && accepted.Contains("gzip", StringComparison.Ordinal) ? (asset.Gzip, "gzip")
            : (asset.Plain, null);
        if (encoding is not null)
            headers.ContentEncoding = encoding;
        response.ContentLength = body.Length;
        if (HttpMethods.IsGet(request.Method))
            await response.Body.WriteAsync(body, http.RequestAborted);
        return true;
    }

    private static void Collect(IFileProvider provider, string folder, Dictionary<string, byte[]> files)
    {
        foreach (var entry in provider.GetDirectoryContents(folder))
        {
            var path = $"{folder}/{entry.Name}";
            if (entry.IsDirectory)
            {
                Collect(provider, path, files);
                continue;
            }
            if (!Types.ContainsKey(System.IO.Path.GetExtension(entry.Name)))
                continue;
            using var stream = entry.CreateReadStream();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[path] = copy.ToArray();
        }
    }

    private static Asset Make(string path, byte[] plain, string? version)
    {
        var extension = System.IO.Path.GetExtension(path);
        var compress = Compressible.Contains(extension);
        return new Asset(path, Types[extension], plain, compress ? Brotli(plain) : null, compress ? Gzip(plain) : null, version ?? HashOf(plain));
    }

    private static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];

    private static byte[] Brotli(byte[] plain)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(plain.Length)];
        return BrotliEncoder.TryCompress(plain, buffer, out var written, quality: 11, window: 22)
            ? buffer[..written]
            : throw new InvalidOperationException("Brotli could not compress an asset");
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
            gzip.Write(plain);
        return output.ToArray();
    }
}
