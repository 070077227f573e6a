using System.Globalization;
using System.Text;

namespace Pinhole.Server.Features.Search;

/// <summary>
/// What someone typed into search, reduced to plain words before any of it reaches SQL or a full-text engine:
/// letters and digits only, so quotes, operators (AND, NEAR, *, :, -) and SQL in a query are just text.
/// </summary>
public sealed record SearchTerms(IReadOnlyList<string> Words)
{
    public const int MaxLength = 500;
    public const int MaxWords = 16;

    public bool IsEmpty => Words.Count == 0;

    public static SearchTerms Parse(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var rune in text.Normalize(NormalizationForm.FormKC).EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                word.Append(rune.ToString().ToLowerInvariant());
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }
        if (word.Length > 0)
            words.Add(word.ToString());
        return new SearchTerms(words.Distinct().Take(MaxWords).ToList());
    }

    /// <summary>The shortest last word read as the start of a word; a single letter is a word of its own.</summary>
    public const int MinPrefixLength = 2;

    /// <summary>
    /// An FTS5 query: every word must appear; the last, from two letters, may be the start of a word (typing as you
    /// search). SQLite's index keeps every two- and three-letter start (migration 10), so those are one lookup; a
    /// one-letter start would stand for a large share of all the words ever posted, for no useful answer.
    /// </summary>
    public string ToFts5() =>
        string.Join(' ', Words.Select((w, i) => $"\"{w}\"" + (IsPrefix(i) ? "*" : "")));

    /// <summary>A PostgreSQL tsquery: every word must appear, the last (from two letters) as a prefix.</summary>
    public string ToTsQuery() =>
        string.Join(" & ", Words.Select((w, i) => $"'{w}'" + (IsPrefix(i) ? ":*" : "")));

    private bool IsPrefix(int index) => index == Words.Count - 1 && Words[index].EnumerateRunes().Count() >= MinPrefixLength;

    /// <summary>
    /// The exclusive upper bound of keys starting with <paramref name="prefix"/>, for an index range scan: the prefix
    /// followed by the highest code point, which sorts after every continuation in bytewise UTF-8 order (SQLite's
    /// BINARY, PostgreSQL's "C").
    /// </summary>
    public static string PrefixEnd(string prefix) => prefix + char.ConvertFromUtf32(0x10FFFF);
}
