using System.Globalization;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.CustomFilters;

/// <summary>One entry of <c>keywords_attributes</c>: a new keyword (no id), a change to one (an id), or its removal (an id and <c>_destroy</c>).</summary>
public sealed record KeywordChange(long? Id, string? Keyword, bool? WholeWord, bool Destroy);

/// <summary>What a create or update asks for; null fields are left as they are.</summary>
public sealed record FilterChange(string? Title, IReadOnlyList<string>? Context, string? Action, bool ChangesExpiry, long? ExpiresAt, IReadOnlyList<KeywordChange> Keywords);

/// <summary>
/// Reads and checks a filter request as Mastodon does: every problem found is reported at once, in Rails' words
/// ("Validation failed: Title can't be blank, Context can't be blank, …"), as a 422.
/// </summary>
public static class FilterInput
{
    public const int MaxTitle = 256;
    public const int MaxKeyword = 512;

    /// <summary>Filters per person, and keywords (and posts) per filter: enough for anyone, and few enough to match every page against in memory.</summary>
    public const int MaxFilters = 100;
    public const int MaxRules = 100;

    private const long MaxExpiresInSeconds = 100L * 365 * 24 * 60 * 60;

    public static FilterChange Read(RequestParams form, bool creating, DateTimeOffset now)
    {
        var errors = new List<string>();
        string? title = null;
        if (creating || form.Has("title"))
        {
            title = form.Text("title")?.Trim();
            if (string.IsNullOrEmpty(title))
                errors.Add("Title can't be blank");
            else if (title.Length > MaxTitle)
                errors.Add($"Title is too long (maximum is {MaxTitle} characters)");
        }

        List<string>? context = null;
        if (creating || form.Has("context"))
        {
            context = form.List("context").Select(c => c.Trim()).Where(c => c.Length > 0).Distinct().ToList();
            if (context.Count == 0)
                errors.Add("Context can't be blank");
            if (context.Count == 0 || context.Any(c => !FilterContexts.All.Contains(c)))
                errors.Add("Context None or invalid context supplied");
        }

        var action = form.Text("filter_action");
        if (string.IsNullOrEmpty(action))
            action = creating ? FilterActions.Warn : null;
        else if (!FilterActions.All.Contains(action))
            errors.Add("Filter action must be warn, hide or blur");

        long? expiresAt = null;
        var expiresIn = form.Text("expires_in");
        if (!string.IsNullOrEmpty(expiresIn))
        {
            if (long.TryParse(expiresIn, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is > 0 and <= MaxExpiresInSeconds)
                expiresAt = (now + TimeSpan.FromSeconds(seconds)).ToUnixTimeMilliseconds();
            else
                errors.Add("Expires in must be a number of seconds");
        }

        var keywords = new List<KeywordChange>();
        foreach (var hash in form.Hashes("keywords_attributes"))
        {
            // Rails' reject_if: :all_blank.
            if (hash.All(field => field.Key == "_destroy" || string.IsNullOrWhiteSpace(field.Value)))
                continue;
            var id = hash.GetValueOrDefault("id") is { Length: > 0 } text
                ? long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw ApiException.NotFound()
                : (long?)null;
            // Creating names no existing keyword: Mastodon answers an id with 404, and drops what is to be destroyed.
            if (creating && id is not null)
                throw ApiException.NotFound();
            var destroy = RequestParams.ParseBool(hash.GetValueOrDefault("_destroy")) == true;
            if (destroy && id is null)
                continue;
            var keyword = hash.GetValueOrDefault("keyword");
            if (!destroy && (id is null || hash.ContainsKey("keyword")))
                CheckKeyword(keyword, "Keywords keyword", errors);
            keywords.Add(new KeywordChange(id, keyword, RequestParams.ParseBool(hash.GetValueOrDefault("whole_word")), destroy));
        }

        if (errors.Count > 0)
            throw Invalid(errors);
        return new FilterChange(title, context, action, form.Has("expires_in"), expiresAt, keywords);
    }

    /// <summary>A keyword on its own (<c>POST /api/v2/filters/:id/keywords</c>, <c>PUT /api/v2/filters/keywords/:id</c>).</summary>
    public static string? Keyword(RequestParams form, bool required)
    {
        if (!required && !form.Has("keyword"))
            return null;
        var errors = new List<string>();
        var keyword = form.Text("keyword");
        CheckKeyword(keyword, "Keyword", errors);
        return errors.Count > 0 ? throw Invalid(errors) : keyword;
    }

    public static ApiException Invalid(IEnumerable<string> errors) => ApiException.Unprocessable("Validation failed: " + string.Join(", ", errors));

    private static void CheckKeyword(string? keyword, string name, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(keyword))
            errors.Add($"{name} can't be blank");
        else if (keyword.Length > MaxKeyword)
            errors.Add($"{name} is too long (maximum is {MaxKeyword} characters)");
    }
}
