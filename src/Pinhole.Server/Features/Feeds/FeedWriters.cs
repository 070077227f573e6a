using System.Globalization;
using System.Text;
using System.Xml;
using Pinhole.Server.MastodonApi.Entities;

namespace Pinhole.Server.Features.Feeds;

/// <summary>
/// RSS 2.0 and Atom 1.0, written with <see cref="XmlWriter"/> so every text is escaped as XML requires. A post's
/// media are enclosures with their type and size (RSS allows one <c>enclosure</c> per item, so every media is
/// also a Media RSS <c>media:content</c>, as Mastodon writes them; Atom takes any number of enclosure links).
/// An organisation's post names its credited maker: <c>dc:creator</c> in RSS, <c>contributor</c> in Atom.
/// </summary>
public static class FeedWriters
{
    private const string AtomNs = "http://www.w3.org/2005/Atom";
    private const string DcNs = "http://purl.org/dc/elements/1.1/";
    private const string MediaNs = "http://search.yahoo.com/mrss/";

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = true, Async = false };

    public static byte[] Rss(FeedChannel channel, string selfUrl, string generator)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, Settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("rss");
            xml.WriteAttributeString("version", "2.0");
            xml.WriteAttributeString("xmlns", "atom", null, AtomNs);
            xml.WriteAttributeString("xmlns", "dc", null, DcNs);
            xml.WriteAttributeString("xmlns", "media", null, MediaNs);
            xml.WriteStartElement("channel");
            xml.WriteElementString("title", channel.Title);
            xml.WriteElementString("link", channel.PageUrl);
            xml.WriteElementString("description", channel.Description);
            xml.WriteStartElement("link", AtomNs);
            xml.WriteAttributeString("href", selfUrl);
            xml.WriteAttributeString("rel", "self");
            xml.WriteAttributeString("type", "application/rss+xml");
            xml.WriteEndElement();
            xml.WriteElementString("generator", generator);
            if (channel.Items.Count > 0)
                xml.WriteElementString("lastBuildDate", RssDate(channel.Items.Max(Updated)));
            if (channel.ImageUrl is { } image)
            {
                xml.WriteStartElement("image");
                xml.WriteElementString("url", image);
                xml.WriteElementString("title", channel.Title);
                xml.WriteElementString("link", channel.PageUrl);
                xml.WriteEndElement();
            }
            foreach (var status in channel.Items)
                RssItem(xml, status);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return buffer.ToArray();
    }

    private static void RssItem(XmlWriter xml, Status status)
    {
        xml.WriteStartElement("item");
        xml.WriteElementString("title", FeedItems.Title(status));
        xml.WriteElementString("link", status.Url);
        xml.WriteStartElement("guid");
        xml.WriteAttributeString("isPermaLink", "true");
        xml.WriteString(status.Url);
        xml.WriteEndElement();
        xml.WriteElementString("pubDate", RssDate(status.CreatedAt));
        xml.WriteElementString("description", FeedItems.Html(status));
        xml.WriteElementString("creator", DcNs, "@" + (status.Pinhole.Contributor ?? status.Account).Acct);
        foreach (var tag in status.Tags)
            xml.WriteElementString("category", tag.Name);
        var enclosures = FeedItems.Enclosures(status);
        if (enclosures.Count > 0)
        {
            xml.WriteStartElement("enclosure");
            xml.WriteAttributeString("url", enclosures[0].Url);
            xml.WriteAttributeString("length", Number(enclosures[0].Length));
            xml.WriteAttributeString("type", enclosures[0].ContentType);
            xml.WriteEndElement();
        }
        foreach (var enclosure in enclosures)
        {
            xml.WriteStartElement("content", MediaNs);
            xml.WriteAttributeString("url", enclosure.Url);
            xml.WriteAttributeString("type", enclosure.ContentType);
            xml.WriteAttributeString("fileSize", Number(enclosure.Length));
            xml.WriteAttributeString("medium", enclosure.Medium);
            if (enclosure.Width is { } width && enclosure.Height is { } height)
            {
                xml.WriteAttributeString("width", Number(width));
                xml.WriteAttributeString("height", Number(height));
            }
            xml.WriteElementString("rating", MediaNs, status.Sensitive ? "adult" : "nonadult");
            if (!string.IsNullOrEmpty(enclosure.Description))
            {
                xml.WriteStartElement("description", MediaNs);
                xml.WriteAttributeString("type", "plain");
                xml.WriteString(enclosure.Description);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    /// <param name="author">The feed's author (an account's feed); null for tag and place feeds, whose entries each name theirs.</param>
    public static byte[] Atom(FeedChannel channel, string selfUrl, Account? author, string generator)
    {
        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, Settings))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("feed", AtomNs);
            xml.WriteElementString("id", AtomNs, selfUrl);
            xml.WriteElementString("title", AtomNs, channel.Title);
            xml.WriteElementString("subtitle", AtomNs, channel.Description);
            xml.WriteElementString("updated", AtomNs, AtomDate(channel.Items.Count > 0 ? channel.Items.Max(Updated) : DateTimeOffset.UnixEpoch));
            Link(xml, "alternate", "text/html", channel.PageUrl);
            Link(xml, "self", "application/atom+xml", selfUrl);
            xml.WriteElementString("generator", AtomNs, generator);
            if (channel.ImageUrl is { } image)
                xml.WriteElementString("logo", AtomNs, image);
            if (author is not null)
                Person(xml, "author", author);
            foreach (var status in channel.Items)
            {
                xml.WriteStartElement("entry", AtomNs);
                xml.WriteElementString("id", AtomNs, status.Uri);
                xml.WriteElementString("title", AtomNs, FeedItems.Title(status));
                xml.WriteElementString("published", AtomNs, AtomDate(status.CreatedAt));
                xml.WriteElementString("updated", AtomNs, AtomDate(Updated(status)));
                Link(xml, "alternate", "text/html", status.Url!);
                Person(xml, "author", status.Account);
                if (status.Pinhole.Contributor is { } contributor)
                    Person(xml, "contributor", contributor);
                foreach (var tag in status.Tags)
                {
                    xml.WriteStartElement("category", AtomNs);
                    xml.WriteAttributeString("term", tag.Name);
                    xml.WriteEndElement();
                }
                foreach (var enclosure in FeedItems.Enclosures(status))
                {
                    xml.WriteStartElement("link", AtomNs);
                    xml.WriteAttributeString("rel", "enclosure");
                    xml.WriteAttributeString("type", enclosure.ContentType);
                    xml.WriteAttributeString("length", Number(enclosure.Length));
                    xml.WriteAttributeString("href", enclosure.Url);
                    xml.WriteEndElement();
                }
                xml.WriteStartElement("content", AtomNs);
                xml.WriteAttributeString("type", "html");
                xml.WriteString(FeedItems.Html(status));
                xml.WriteEndElement();
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
            xml.WriteEndDocument();
        }
        return buffer.ToArray();
    }

    private static void Link(XmlWriter xml, string rel, string type, string href)
    {
        xml.WriteStartElement("link", AtomNs);
        xml.WriteAttributeString("rel", rel);
        xml.WriteAttributeString("type", type);
        xml.WriteAttributeString("href", href);
        xml.WriteEndElement();
    }

    private static void Person(XmlWriter xml, string element, Account account)
    {
        xml.WriteStartElement(element, AtomNs);
        xml.WriteElementString("name", AtomNs, account.DisplayName.Length > 0 ? account.DisplayName : "@" + account.Acct);
        xml.WriteElementString("uri", AtomNs, account.Url);
        xml.WriteEndElement();
    }

    private static DateTimeOffset Updated(Status status) => status.EditedAt ?? status.CreatedAt;

    /// <summary>RFC 822 with a four-digit year, as RSS 2.0 asks: "Sat, 07 Sep 2024 09:30:00 GMT".</summary>
    private static string RssDate(DateTimeOffset time) => time.UtcDateTime.ToString("r", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339, as Atom asks: "2024-09-07T09:30:00Z".</summary>
    private static string AtomDate(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
