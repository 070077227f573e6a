using System.Text;

namespace Pinhole.Server.Features.Uploads;

/// <summary>
/// tus's <c>Upload-Metadata</c>: comma-separated pairs of a key and its value in base64 ("filename d29ybGQuanBn,
/// description"); a key may come without a value. Keys are ASCII without spaces or commas, and appear once.
/// </summary>
public static class TusMetadata
{
    /// <summary>Enough for a filename, alt text at its limit in any script, a filter and a focus point.</summary>
    public const int MaxHeaderLength = 16 * 1024;

    /// <summary>The pairs, or null when the header is malformed (bad base64, a repeated or invalid key, too long).</summary>
    public static IReadOnlyDictionary<string, string>? Parse(string? header)
    {
        var pairs = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(header))
            return pairs;
        if (header.Length > MaxHeaderLength)
            return null;
        foreach (var item in header.Split(','))
        {
            var parts = item.Trim().Split(' ');
            if (parts.Length is 0 or > 2 || parts[0].Length == 0 || !parts[0].All(c => c is > ' ' and < (char)127))
                return null;
            string value;
            try
            {
                value = parts.Length == 2 ? new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(parts[1])) : "";
            }
            catch (Exception e) when (e is FormatException or DecoderFallbackException)
            {
                return null;
            }
            if (!pairs.TryAdd(parts[0], value))
                return null;
        }
        return pairs;
    }

    public static string Format(IReadOnlyDictionary<string, string> pairs) =>
        string.Join(",", pairs.Select(p => p.Value.Length == 0 ? p.Key : $"{p.Key} {Convert.ToBase64String(Encoding.UTF8.GetBytes(p.Value))}"));
}
