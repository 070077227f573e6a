using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace Pinhole.Server.Tests.Uploads;

/// <summary>tus requests as the protocol spells them, for tests that check the server's answers one by one.</summary>
internal static class Tus
{
    public const string Endpoint = "/api/v1/pinhole/uploads";

    public static string Metadata(params (string Key, string Value)[] pairs) =>
        string.Join(",", pairs.Select(p => $"{p.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value))}"));

    public static HttpRequestMessage Create(long length, string? metadata = null, string? idempotencyKey = null, byte[]? firstBytes = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Endpoint);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Length", length.ToString(CultureInfo.InvariantCulture));
        if (metadata is not null)
            request.Headers.Add("Upload-Metadata", metadata);
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (firstBytes is not null)
            request.Content = Chunk(firstBytes);
        return request;
    }

    public static HttpRequestMessage Patch(Uri upload, long offset, byte[] bytes, string? checksum = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, upload) { Content = Chunk(bytes) };
        request.Headers.Add("Tus-Resumable", "1.0.0");
        request.Headers.Add("Upload-Offset", offset.ToString(CultureInfo.InvariantCulture));
        if (checksum is not null)
            request.Headers.Add("Upload-Checksum", checksum);
        return request;
    }

    public static HttpRequestMessage Head(Uri upload)
    {
        var request = new HttpRequestMessage(HttpMethod.Head, upload);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    public static HttpRequestMessage Delete(Uri upload)
    {
        var request = new HttpRequestMessage(HttpMethod.Delete, upload);
        request.Headers.Add("Tus-Resumable", "1.0.0");
        return request;
    }

    public static string Sha256(byte[] bytes) => "sha256 " + Convert.ToBase64String(SHA256.HashData(bytes));

    public static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    public static long Offset(HttpResponseMessage response) => long.Parse(Header(response, "Upload-Offset")!, CultureInfo.InvariantCulture);

    private static ByteArrayContent Chunk(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/offset+octet-stream");
        return content;
    }
}
