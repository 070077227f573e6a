using System.Text.RegularExpressions;

namespace Pinhole.Server.Features.Statuses;

/// <summary>ISO 639 language codes as posts and posting defaults carry them: "ko", "en-GB", "yue".</summary>
public static partial class LanguageCodes
{
    [GeneratedRegex("^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")]
    private static partial Regex Pattern();

    public static bool IsValid(string code) => Pattern().IsMatch(code);
}
