using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Pinhole.Server.Web;

/// <summary>Small text helpers for the pages: plain text out of a post's HTML, ages and counts as people read them.</summary>
public static partial class WebText
{
    [GeneratedRegex("<br ?/?>|</p><p>")]
    private static partial Regex Breaks();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    /// <summary>
    /// The text of HTML the server itself wrote (a post's content, a bio), at most <paramref name="max"/> characters.
    /// Razor escapes it again where it is shown.
    /// </summary>
    public static string Plain(string html, int max = 300)
    {
        var text = Spaces().Replace(WebUtility.HtmlDecode(Tags().Replace(Breaks().Replace(html, " "), "")), " ").Trim();
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1).TrimEnd(), "…");
    }

    /// <summary>"now", "5m", "3h", "2d", then a date: the post card's short age.</summary>
    public static string Ago(DateTimeOffset when, DateTimeOffset now)
    {
        var age = now - when;
        if (age < TimeSpan.FromMinutes(1))
            return "now";
        if (age < TimeSpan.FromHours(1))
            return $"{(int)age.TotalMinutes}m";
        if (age < TimeSpan.FromDays(1))
            return $"{(int)age.TotalHours}h";
        if (age < TimeSpan.FromDays(7))
            return $"{(int)age.TotalDays}d";
        return when.UtcDateTime.ToString(when.Year == now.Year ? "d MMM" : "d MMM yyyy", CultureInfo.InvariantCulture);
    }

    public static string Iso(DateTimeOffset when) => when.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A count as people read it: 12, 1,234, 12.3K, 4.5M.</summary>
    public static string Count(long count) => count switch
    {
        < 10_000 => count.ToString("#,0", CultureInfo.InvariantCulture),
        < 1_000_000 => (count / 1000d).ToString("0.#", CultureInfo.InvariantCulture) + "K",
        _ => (count / 1_000_000d).ToString("0.#", CultureInfo.InvariantCulture) + "M",
    };

    /// <summary>"1 like", "2 likes".</summary>
    public static string Counted(long count, string one, string many) => $"{Count(count)} {(count == 1 ? one : many)}";
}
