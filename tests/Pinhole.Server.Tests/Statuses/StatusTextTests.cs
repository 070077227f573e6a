using Pinhole.Server.Features.Statuses;

namespace Pinhole.Server.Tests.Statuses;

/// <summary>The text formatter on its own: what counts as a tag, a mention or a link, how long a post is, and its HTML.</summary>
public sealed class StatusTextTests
{
    private static string Html(string text) =>
        StatusText.ToHtml(text, u => u == "minji" ? "https://p.example/@minji" : null, t => $"https://p.example/tags/{t}");

    [Theory]
    [InlineData("Cold noodles #pyongyang #NorthKorea", new[] { "pyongyang", "northkorea" })]
    [InlineData("#Pyongyang and #PYONGYANG again", new[] { "pyongyang" })]
    [InlineData("평양 #평양냉면 맛있다", new[] { "평양냉면" })]
    [InlineData("full width #ｐｙｏｎｇｙａｎｇ", new[] { "pyongyang" })]
    [InlineData("not tags: #1 a#b https://example.com/#frag", new string[0])]
    [InlineData("#mansu_hill, then #dmz.", new[] { "mansu_hill", "dmz" })]
    public void HashtagsAreFoundAndNormalized(string text, string[] expected) =>
        Assert.Equal(expected, StatusText.Parse(text).Tags);

    [Theory]
    [InlineData("hi @Minji and @reader_2!", new[] { "minji", "reader_2" })]
    [InlineData("mail me at someone@example.com", new string[0])]
    [InlineData("@remote@other.example is not local", new string[0])]
    public void LocalMentionsAreFound(string text, string[] expected) =>
        Assert.Equal(expected, StatusText.Parse(text).Mentions);

    [Theory]
    [InlineData("hello", 5)]
    [InlineData("👨‍👩‍👧 family", 8)]
    [InlineData("see https://example.com/a/very/long/path/that/goes/on/and/on", 27)]
    [InlineData("@someone@far.away.example hi", 11)]
    public void LengthIsCountedAsMastodonCountsIt(string text, int expected) =>
        Assert.Equal(expected, StatusText.Length(text));

    [Fact]
    public void EverythingIsEscapedAndOnlyLinksTagsAndKnownMentionsBecomeMarkup()
    {
        var html = Html("<img src=x onerror=alert(1)> \"quoted\" & @minji @unknown #tag");

        Assert.Equal(
            "<p>&lt;img src=x onerror=alert(1)&gt; &quot;quoted&quot; &amp; " +
            "<span class=\"h-card\" translate=\"no\"><a href=\"https://p.example/@minji\" class=\"u-url mention\">@<span>minji</span></a></span> " +
            "@unknown <a href=\"https://p.example/tags/tag\" class=\"mention hashtag\" rel=\"tag\">#<span>tag</span></a></p>",
            html);
    }

    [Fact]
    public void ParagraphsAndLineBreaksArePreserved()
    {
        Assert.Equal("<p>one<br />two</p><p>three</p>", Html("one\ntwo\n\n\nthree"));
        Assert.Equal("<p>crlf<br />line</p>", Html("crlf\r\nline"));
        Assert.Equal("", Html(""));
    }

    [Fact]
    public void LongLinksAreShortenedForDisplayButKeptWhole()
    {
        var html = Html("Read https://www.example.com/2026/11/21/a-long-article-about-pyongyang-street-food.");

        Assert.Contains("href=\"https://www.example.com/2026/11/21/a-long-article-about-pyongyang-street-food\"", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"invisible\">https://www.</span><span class=\"ellipsis\">example.com/2026/11/21/a-long-</span>", html, StringComparison.Ordinal);
        Assert.EndsWith("</a>.</p>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyHttpLinksAreLinked()
    {
        var html = Html("javascript:alert(1) and ftp://example.com/file");

        Assert.DoesNotContain("<a", html, StringComparison.Ordinal);
    }

    [Fact]
    public void AClosingBracketBelongsToTheLinkOnlyWhenItOpenedOne()
    {
        Assert.Contains("href=\"https://en.wikipedia.org/wiki/Pyongyang_(disambiguation)\"", Html("(see https://en.wikipedia.org/wiki/Pyongyang_(disambiguation))"), StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.com/x\"", Html("(https://example.com/x)"), StringComparison.Ordinal);
    }
}
