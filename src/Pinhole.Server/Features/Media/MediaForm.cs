using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// Mastodon's upload form (<c>file</c>, <c>description</c>, <c>focus</c>, <c>filter</c>), read as it arrives: the file
/// goes straight into the spool, written once. ASP.NET's own form reader would first buffer it to a temporary file
/// (a second write and a read of every byte) and refuses any body over its 128 MiB default, below the video limit.
/// </summary>
public static class MediaForm
{
    /// <summary>The most a text field may hold; the longest real one, alt text, is a few thousand characters.</summary>
    private const int FieldLimit = 64 * 1024;

    /// <summary>The fields, and the spooled file (null if the form had none; the caller owns the file).</summary>
    public static async Task<(RequestParams Fields, string? File)> ReadAsync(HttpRequest request, string spool, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            return (await RequestParams.ReadAsync(request, cancellationToken), null);
        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
            throw ApiException.Unprocessable("The request body is not valid form data");

        var fields = new List<KeyValuePair<string, string>>();
        string? file = null;
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFormDisposition() && !disposition.IsFileDisposition())
                    continue;
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    if (name == "file" && file is null)
                        file = await SpoolAsync(section.Body, spool, cancellationToken);
                    else
                        await section.Body.CopyToAsync(Stream.Null, cancellationToken);
                    continue;
                }
                fields.Add(new(name, await ReadFieldAsync(section.Body, name, cancellationToken)));
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException && e is not BadHttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            Delete(file);
            throw ApiException.Unprocessable("The request body is not valid form data");
        }
        catch
        {
            Delete(file);
            throw;
        }
        return (RequestParams.FromFields(fields, request.QueryString), file);
    }

    private static async Task<string> SpoolAsync(Stream body, string spool, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(spool);
        var path = Path.Combine(spool, Guid.NewGuid().ToString("N"));
        try
        {
            await using var spooled = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            await body.CopyToAsync(spooled, 64 * 1024, cancellationToken);
            return path;
        }
        catch
        {
            Delete(path);
            throw;
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, string name, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(FieldLimit + 1);
        try
        {
            var read = await body.ReadAtLeastAsync(buffer.AsMemory(0, FieldLimit + 1), FieldLimit + 1, throwOnEndOfStream: false, cancellationToken);
            if (read > FieldLimit)
                throw ApiException.Unprocessable($"Validation failed: {name} is too long");
            return Encoding.UTF8.GetString(buffer, 0, read);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void Delete(string? path)
    {
        if (path is not null)
            File.Delete(path);
    }
}
