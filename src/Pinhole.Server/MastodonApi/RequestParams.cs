using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Pinhole.Server.MastodonApi;

/// <summary>
/// A request's parameters as Mastodon (a Rails app) sees them: the query string merged with a form, multipart
/// or JSON body. Mastodon clients send all three, with Rails-style keys (<c>media_ids[]</c>,
/// <c>source[privacy]</c>, <c>fields_attributes[0][name]</c>); a JSON body is flattened into the same keys so a
/// handler reads one way whatever the client sent.
/// </summary>
public sealed class RequestParams
{
    private readonly Dictionary<string, List<string?>> _values = new(StringComparer.Ordinal);

    // Every pair in the order it arrived, for Rails' arrays of hashes (see Hashes).
    private readonly List<(string Key, string? Value)> _ordered = [];

    private RequestParams(IFormFileCollection? files) => Files = files;

    /// <summary>Files of a multipart body (empty otherwise).</summary>
    public IFormFileCollection? Files { get; }

    public static async Task<RequestParams> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        RequestParams result;
        if (request.HasFormContentType && IsUrlEncoded(request.ContentType))
        {
            result = new RequestParams(null);
            await ReadUrlEncodedAsync(request, result, cancellationToken);
        }
        else if (request.HasFormContentType)
        {
            var form = await ReadFormAsync(request, cancellationToken);
            result = new RequestParams(form.Files);
            foreach (var (key, values) in form)
                result.AddAll(key, values);
        }
        else if (request.HasJsonContentType())
        {
            result = new RequestParams(null);
            using var document = await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw ApiException.Unprocessable("The request body must be a JSON object");
            result.Flatten(null, document.RootElement);
        }
        else
        {
            result = new RequestParams(null);
        }
        return result.WithQuery(request.QueryString);
    }

    /// <summary>Fields a caller read from the body itself (see <c>MediaForm</c>), with the query string behind them.</summary>
    public static RequestParams FromFields(IEnumerable<KeyValuePair<string, string>> fields, QueryString query)
    {
        var result = new RequestParams(null);
        foreach (var (key, value) in fields)
            result.Add(key, value);
        return result.WithQuery(query);
    }

    // Body values win over the query string, as in Rails. Read in order, as the body is (see Hashes).
    private RequestParams WithQuery(QueryString query)
    {
        var inBody = _values.Keys.ToHashSet(StringComparer.Ordinal);
        foreach (var pair in new QueryStringEnumerable(query.Value))
        {
            var key = pair.DecodeName().ToString();
            if (!inBody.Contains(Normalize(key)))
                Add(key, pair.DecodeValue().ToString());
        }
        return this;
    }

    private static bool IsUrlEncoded(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var type) && type.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);

    // Read pair by pair rather than through ReadFormAsync, which groups values by key and so loses the order Rails
    // relies on to group keywords_attributes[][keyword] with its keywords_attributes[][whole_word]. Same limits.
    private static async Task ReadUrlEncodedAsync(HttpRequest request, RequestParams result, CancellationToken cancellationToken)
    {
        var encoding = MediaTypeHeaderValue.TryParse(request.ContentType, out var type) ? type.Encoding ?? Encoding.UTF8 : Encoding.UTF8;
        using var reader = new FormReader(request.Body, encoding);
        try
        {
            while (await reader.ReadNextPairAsync(cancellationToken) is { } pair)
                result.Add(pair.Key, pair.Value);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && e is not BadHttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw ApiException.Unprocessable("The request body is not valid form data");
        }
    }

    // A multipart body cut short or with a broken boundary surfaces as an IOException; a body over the size
    // limit is a BadHttpRequestException (also an IOException) and keeps its 413.
    private static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (Exception e) when (e is InvalidDataException or IOException && e is not BadHttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw ApiException.Unprocessable("The request body is not valid form data");
        }
    }

    /// <summary>The query string alone, for GET requests.</summary>
    public static RequestParams FromQuery(IQueryCollection query)
    {
        var result = new RequestParams(null);
        foreach (var (key, values) in query)
            result.AddAll(key, values);
        return result;
    }

    public bool Has(string key) => _values.ContainsKey(key);

    public string? Text(string key) =>
        _values.TryGetValue(key, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>All values of a list parameter, sent as <c>key[]=a&amp;key[]=b</c>, <c>key=a</c> or a JSON array.</summary>
    public IReadOnlyList<string> List(string key) =>
        _values.TryGetValue(key, out var values) ? values.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!).ToList() : [];

    /// <summary>Rails' boolean casting: "0", "f", "false", "off" (any case) are false; absent or empty is null; anything else true.</summary>
    public bool? Bool(string key) => ParseBool(Text(key));

    /// <summary>Rails' boolean casting of one value (see <see cref="Bool"/>).</summary>
    public static bool? ParseBool(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return null;
        return value.ToLowerInvariant() switch
        {
            "0" or "f" or "false" or "off" => false,
            _ => true,
        };
    }

    public long? Id(string key)
    {
        var value = Text(key);
        if (string.IsNullOrEmpty(value))
            return null;
        return long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw ApiException.Unprocessable($"Validation failed: {key} is not a number");
    }

    /// <summary>Keys beneath a prefix, e.g. the indexes under <c>fields_attributes</c>: "0", "1", ….</summary>
    public IEnumerable<string> ChildKeys(string prefix)
    {
        var start = prefix + "[";
        return _values.Keys
            .Where(k => k.StartsWith(start, StringComparison.Ordinal))
            .Select(k => k[start.Length..k.IndexOf(']', start.Length)])
            .Distinct();
    }

    /// <summary>
    /// Rails' nested attributes under <paramref name="prefix"/>, as hashes in the order they came:
    /// <c>prefix[][keyword]=a&amp;prefix[][whole_word]=0&amp;prefix[][keyword]=b</c> groups as Rails groups it (a key the
    /// last hash already has starts a new one), and <c>prefix[0][keyword]</c> (how a JSON array of objects arrives)
    /// by its index. Multipart bodies lose the order between different keys, so there send the indexed form.
    /// </summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string?>> Hashes(string prefix)
    {
        var start = prefix + "[";
        var hashes = new List<Dictionary<string, string?>>();
        var byIndex = new Dictionary<string, Dictionary<string, string?>>(StringComparer.Ordinal);
        Dictionary<string, string?>? lastListed = null;
        foreach (var (key, value) in _ordered)
        {
            var close = key.StartsWith(start, StringComparison.Ordinal) ? key.IndexOf(']', start.Length) : -1;
            if (close < 0 || close + 3 > key.Length || key[close + 1] != '[' || key[^1] != ']')
                continue;
            var index = key[start.Length..close];
            var field = key[(close + 2)..^1];
            Dictionary<string, string?> hash;
            if (index.Length == 0)
            {
                if (lastListed is null || lastListed.ContainsKey(field))
                    hashes.Add(lastListed = new Dictionary<string, string?>(StringComparer.Ordinal));
                hash = lastListed;
            }
            else if (!byIndex.TryGetValue(index, out hash!))
            {
                hashes.Add(byIndex[index] = hash = new Dictionary<string, string?>(StringComparer.Ordinal));
            }
            hash[field] = value;
        }
        return hashes;
    }

    private void AddAll(string key, StringValues values)
    {
        foreach (var value in values)
            Add(key, value);
    }

    private void Add(string key, string? value)
    {
        var normalized = Normalize(key);
        if (!_values.TryGetValue(normalized, out var list))
            _values[normalized] = list = [];
        list.Add(value);
        _ordered.Add((normalized, value));
    }

    // "media_ids[]" and "media_ids" are the same list.
    private static string Normalize(string key) => key.EndsWith("[]", StringComparison.Ordinal) ? key[..^2] : key;

    private void Flatten(string? prefix, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                    Flatten(prefix is null ? property.Name : $"{prefix}[{property.Name}]", property.Value);
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                        Flatten($"{prefix}[{index}]", item);
                    else
                        Add(prefix!, Scalar(item));
                    index++;
                }
                break;
            default:
                if (prefix is not null)
                    Add(prefix, Scalar(element));
                break;
        }
    }

    private static string? Scalar(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => null,
        _ => element.GetRawText(),
    };
}
