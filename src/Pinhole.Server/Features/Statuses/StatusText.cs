using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Pinhole.Server.Features.Statuses;

/// <summary>
/// What people write, turned into what Mastodon clients expect: the hashtags and mentions it contains, its
/// length as Mastodon counts it, and HTML in which everything is escaped and only links, #hashtags and
/// @mentions become markup.
/// </summary>
public static partial class StatusText
{
    /// <summary>Mastodon counts every link as this many characters, whatever its length.</summary>
    public const int UrlLength = 23;

    private const int UrlDisplayLimit = 30;

    // One pass over the text finds links, mentions and hashtags, so they never overlap. A mention or hashtag
    // must not follow a word character, '/', '=' or ')' (so e-mail addresses and URL fragments are left alone);
    // a hashtag needs at least one letter, so "#1" is just text.
    [GeneratedRegex(
        """
        (?<url>https?://[^\s<>"'\u3000]+)
        |(?<![\w/=)@.])@(?<mention>[a-zA-Z0-9_]+(?:[a-zA-Z0-9_.-]*[a-zA-Z0-9_])?)(?:@(?<domain>[\w.-]+\w))?
        |(?<![\w/=)&])\#(?<tag>[\w\u00B7\u200C]*\p{L}[\w\u00B7\u200C]*)
        """,
        RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Tokens();

    [GeneratedRegex(@"\r\n?")]
    private static partial Regex LineEndings();

    [GeneratedRegex(@"\n{2,}")]
    private static partial Regex ParagraphBreaks();

    /// <summary>The normalized hashtags (distinct, in order of first use) and the local usernames mentioned.</summary>
    public static ParsedText Parse(string text)
    {
        var tags = new List<string>();
        var mentions = new List<string>();
        foreach (var token in Scan(text))
        {
            if (token.Kind == TokenKind.Tag)
            {
                var tag = NormalizeTag(token.Value);
                if (tag.Length <= 100 && !tags.Contains(tag))
                    tags.Add(tag);
            }
            else if (token.Kind == TokenKind.Mention && token.Domain is null)
            {
                var username = token.Value.ToLowerInvariant();
                if (!mentions.Contains(username))
                    mentions.Add(username);
            }
        }
        return new ParsedText(tags, mentions);
    }

    /// <summary>Length as Mastodon counts it: grapheme clusters, every link as 23, a remote mention as its local part.</summary>
    public static int Length(string text)
    {
        var length = 0;
        var position = 0;
        foreach (var token in Scan(text))
        {
            length += new StringInfo(text[position..token.Start]).LengthInTextElements;
            length += token.Kind switch
            {
                TokenKind.Url => UrlLength,
                TokenKind.Mention => 1 + new StringInfo(token.Value).LengthInTextElements,
                _ => new StringInfo(text.Substring(token.Start, token.Length)).LengthInTextElements,
            };
            position = token.Start + token.Length;
        }
        return length + new StringInfo(text[position..]).LengthInTextElements;
    }

    /// <summary>NFKC and lower case, so #Pyongyang, #PYONGYANG and #ｐｙｏｎｇｙａｎｇ are one tag.</summary>
    public static string NormalizeTag(string name) => name.Normalize(NormalizationForm.FormKC).ToLowerInvariant();

    /// <summary>
    /// The text as HTML: escaped, paragraphs for blank lines, line breaks, and links for URLs, hashtags and the
    /// mentions <paramref name="mentionUrl"/> knows (others stay text).
    /// </summary>
    public static string ToHtml(string text, Func<string, string?> mentionUrl, Func<string, string> tagUrl)
    {
        if (string.IsNullOrEmpty(text))
            return "";
        text = LineEndings().Replace(text, "\n").Trim('\n');
        var html = new StringBuilder(text.Length + 64);
        foreach (var paragraph in ParagraphBreaks().Split(text))
        {
            html.Append("<p>");
            AppendInline(html, paragraph, mentionUrl, tagUrl);
            html.Append("</p>");
        }
        return html.ToString();
    }

    private static void AppendInline(StringBuilder html, string text, Func<string, string?> mentionUrl, Func<string, string> tagUrl)
    {
        var position = 0;
        foreach (var token in Scan(text))
        {
            AppendText(html, text[position..token.Start]);
            switch (token.Kind)
            {
                case TokenKind.Url:
                    AppendLink(html, token.Value);
                    break;
                case TokenKind.Tag:
                    html.Append("<a href=\"").Append(Attr(tagUrl(NormalizeTag(token.Value))))
                        .Append("\" class=\"mention hashtag\" rel=\"tag\">#<span>").Append(Escape(token.Value)).Append("</span></a>");
                    break;
                case TokenKind.Mention when token.Domain is null && mentionUrl(token.Value.ToLowerInvariant()) is { } url:
                    html.Append("<span class=\"h-card\" translate=\"no\"><a href=\"").Append(Attr(url))
                        .Append("\" class=\"u-url mention\">@<span>").Append(Escape(token.Value)).Append("</span></a></span>");
                    break;
                default:
                    AppendText(html, text.Substring(token.Start, token.Length));
                    break;
            }
            position = token.Start + token.Length;
        }
        AppendText(html, text[position..]);
    }

    private static void AppendText(StringBuilder html, string text) =>
        html.Append(Escape(text).Replace("\n", "<br />", StringComparison.Ordinal));

    // Mastodon's link markup: the scheme hidden, long links shortened with an ellipsis, the full URL kept for copying.
    private static void AppendLink(StringBuilder html, string url)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var prefixEnd = url.AsSpan(schemeEnd).StartsWith("www.") ? schemeEnd + 4 : schemeEnd;
        var display = url[prefixEnd..];
        var shown = display.Length > UrlDisplayLimit ? display[..UrlDisplayLimit] : display;
        var rest = display[shown.Length..];
        html.Append("<a href=\"").Append(Attr(url)).Append("\" target=\"_blank\" rel=\"nofollow noopener\" translate=\"no\">")
            .Append("<span class=\"invisible\">").Append(Escape(url[..prefixEnd])).Append("</span>")
            .Append("<span class=\"").Append(rest.Length > 0 ? "ellipsis" : "").Append("\">").Append(Escape(shown)).Append("</span>")
            .Append("<span class=\"invisible\">").Append(Escape(rest)).Append("</span></a>");
    }

    private static string Escape(string text) => WebUtility.HtmlEncode(text);

    private static string Attr(string value) => WebUtility.HtmlEncode(value);

    private enum TokenKind
    {
        Url,
        Mention,
        Tag,
    }

    private readonly record struct Token(TokenKind Kind, int Start, int Length, string Value, string? Domain);

    private static IEnumerable<Token> Scan(string text)
    {
        foreach (Match match in Tokens().Matches(text))
        {
            if (match.Groups["url"].Success)
            {
                var url = TrimUrl(match.Value);
                yield return new Token(TokenKind.Url, match.Index, url.Length, url, null);
            }
            else if (match.Groups["mention"].Success)
            {
                var domain = match.Groups["domain"];
                yield return new Token(TokenKind.Mention, match.Index, match.Length, match.Groups["mention"].Value, domain.Success ? domain.Value : null);
            }
            else
            {
                yield return new Token(TokenKind.Tag, match.Index, match.Length, match.Groups["tag"].Value, null);
            }
        }
    }

    // A sentence's closing punctuation is not part of the link it ends with; a closing bracket is, when the link opened one.
    private static string TrimUrl(string url)
    {
        var end = url.Length;
        while (end > 0)
        {
            var c = url[end - 1];
            if (".,;:!?'\"*".Contains(c, StringComparison.Ordinal))
                end--;
            else if (c == ')' && url.AsSpan(0, end).Count('(') < url.AsSpan(0, end).Count(')'))
                end--;
            else if (c == ']' && url.AsSpan(0, end).Count('[') < url.AsSpan(0, end).Count(']'))
                end--;
            else
                break;
        }
        return url[..end];
    }
}

/// <summary>What a post's text refers to: hashtag names (normalized) and mentioned local usernames (lower case).</summary>
public sealed record ParsedText(IReadOnlyList<string> Tags, IReadOnlyList<string> Mentions);
