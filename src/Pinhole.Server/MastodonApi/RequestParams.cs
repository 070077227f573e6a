using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Primitives;

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

    private RequestParams(IFormFileCollection? files) => Files = files;

    /// <summary>Files of a multipart body (empty otherwise).</summary>
    public IFormFileCollection? Files { get; }

    public static async Task<RequestParams> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        RequestParams result;
        if (request.HasFormContentType)
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
        return result.WithQuery(request.Query);
    }

    /// <summary>Fields a caller read from the body itself (see <c>MediaForm</c>), with the query string behind them.</summary>
    public static RequestParams FromFields(IEnumerable<KeyValuePair<string, string>> fields, IQueryCollection query)
    {
        var result = new RequestParams(null);
        foreach (var (key, value) in fields)
            result.Add(key, value);
        return result.WithQuery(query);
    }

    // Body values win over the query string, as in Rails.
    private RequestParams WithQuery(IQueryCollection query)
    {
        foreach (var (key, values) in query)
        {
            if (!_values.ContainsKey(Normalize(key)))
                AddAll(key, values);
        }
        return this;
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
    public bool? Bool(string key)
    {
        var value = Text(key);
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
