using System.Globalization;
using System.Text.RegularExpressions;

namespace Pinhole.Server.Web;

/// <summary>
/// The pages' addresses, which are also the URLs the API hands out (<c>/@alice</c>, <c>/@alice/123</c>,
/// <c>/tags/pyongyang</c>). Usernames and hashtags are constrained to their own characters, so a dot ends them:
/// <c>/@alice.rss</c> and <c>/tags/pyongyang.atom</c> belong to the feed endpoints, never to a page.
/// </summary>
public static partial class WebRoutes
{
    public const string Username = "pinhole_username";
    public const string Hashtag = "pinhole_hashtag";

    public static void AddConstraints(RouteOptions options)
    {
        options.SetParameterPolicy<UsernameConstraint>(Username);
        options.SetParameterPolicy<HashtagConstraint>(Hashtag);
    }

    public static string Profile(string username) => $"/@{username}";

    public static string Post(string username, string id) => $"/@{username}/{id}";

    public static string Tag(string name) => $"/tags/{Uri.EscapeDataString(name)}";

    /// <summary>A local address to go back to after a form; anything else (another site, "//host") becomes the home page.</summary>
    public static string LocalOnly(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";

    [GeneratedRegex("^[a-zA-Z0-9_]{1,30}$")]
    private static partial Regex UsernamePattern();

    // The characters StatusText accepts in a hashtag.
    [GeneratedRegex(@"^[\w\u00B7\u200C]{1,100}$")]
    private static partial Regex HashtagPattern();

    internal sealed class UsernameConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            values.TryGetValue(routeKey, out var value) && UsernamePattern().IsMatch(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
    }

    internal sealed class HashtagConstraint : IRouteConstraint
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
            values.TryGetValue(routeKey, out var value) && HashtagPattern().IsMatch(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
    }
}
