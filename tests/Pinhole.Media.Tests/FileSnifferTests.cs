using System.Text;

namespace Pinhole.Media.Tests;

public sealed class FileSnifferTests
{
    [Theory]
    [InlineData("FFD8FFE000104A464946", SniffedType.Jpeg)]
    [InlineData("89504E470D0A1A0A0000000D49484452", SniffedType.Png)]
    [InlineData("474946383961", SniffedType.Gif)] // GIF89a
    [InlineData("474946383761", SniffedType.Gif)] // GIF87a
    [InlineData("524946462400000057454250565038", SniffedType.WebP)] // RIFF....WEBPVP8
    [InlineData("1A45DFA3A34286810142F7", SniffedType.WebM)]
    [InlineData("4F676753000200000000", SniffedType.Ogg)] // OggS
    [InlineData("664C614300000022", SniffedType.Flac)] // fLaC
    [InlineData("524946462400000057415645666D7420", SniffedType.Wav)] // RIFF....WAVEfmt
    [InlineData("494433040000000000", SniffedType.Mp3)] // ID3v2.4
    [InlineData("FFFB9064", SniffedType.Mp3)] // MPEG-1 layer III frame, no tag
    public void EachMagicNumberIsRecognised(string hex, SniffedType expected)
    {
        Assert.Equal(expected, FileSniffer.Sniff(Convert.FromHexString(hex)));
    }

    [Theory]
    [InlineData("heic", "mif1,heic,miaf", SniffedType.Heif)]
    [InlineData("heix", "mif1,heix", SniffedType.Heif)]
    [InlineData("mif1", "mif1,heic", SniffedType.Heif)]
    [InlineData("msf1", "msf1,hevc", SniffedType.Heif)]
    [InlineData("avif", "avif,mif1,miaf", SniffedType.Avif)]
    [InlineData("avis", "avis,msf1", SniffedType.Avif)]
    [InlineData("mif1", "mif1,avif,miaf", SniffedType.Avif)] // AVIF with the generic HEIF major brand
    [InlineData("qt  ", "qt  ", SniffedType.QuickTime)]
    [InlineData("3gp4", "isom,3gp4", SniffedType.ThreeGp)]
    [InlineData("3g2a", "3g2a", SniffedType.ThreeGp)]
    [InlineData("isom", "isom,iso2,avc1,mp41", SniffedType.Mp4)]
    [InlineData("mp42", "isom,mp42", SniffedType.Mp4)]
    [InlineData("M4V ", "M4V ,M4A ,mp42,isom", SniffedType.Mp4)]
    [InlineData("avc1", "avc1,isom", SniffedType.Mp4)]
    [InlineData("xxxx", "yyyy,mp42", SniffedType.Mp4)] // unknown major brand: the compatible brands decide
    [InlineData("M4A ", "M4A ,mp42,isom", SniffedType.Mp4)] // audio-only MP4: the video pipeline decides
    [InlineData("crx ", "crx ", SniffedType.Unknown)] // Canon raw: ISO-BMFF, but not ours
    public void IsoBaseMediaFilesAreToldApartByBrand(string major, string compatible, SniffedType expected)
    {
        Assert.Equal(expected, FileSniffer.Sniff(Ftyp(major, compatible.Split(','))));
    }

    [Fact]
    public void BrandsBeyondTheFtypBoxAreIgnored()
    {
        byte[] head = Ftyp("zzzz", ["yyyy"]);
        byte[] withFollowingBox = [.. head, .. "\0\0\0\x10avif"u8.ToArray(), .. new byte[8]];

        Assert.Equal(SniffedType.Unknown, FileSniffer.Sniff(withFollowingBox));
    }

    [Theory]
    [InlineData("")]
    [InlineData("FF")]
    [InlineData("FFD8")]
    [InlineData("89504E47")]
    [InlineData("52494646")]
    [InlineData("0000001866747970")] // a cut-off ftyp box
    public void TooFewBytesAreUnknown(string hex)
    {
        Assert.Equal(SniffedType.Unknown, FileSniffer.Sniff(Convert.FromHexString(hex)));
    }

    [Fact]
    public void TextIsUnknownWhateverItIsCalled()
    {
        Assert.Equal(SniffedType.Unknown, FileSniffer.Sniff("This is not a photo.jpg\n"u8));
    }

    [Fact]
    public void RiffThatIsNeitherWebPNorWaveIsUnknown()
    {
        Assert.Equal(SniffedType.Unknown, FileSniffer.Sniff("RIFF\x24\0\0\0AVI LIST"u8));
    }

    [Theory]
    [InlineData(SniffedType.Jpeg, "image/jpeg")]
    [InlineData(SniffedType.Png, "image/png")]
    [InlineData(SniffedType.WebP, "image/webp")]
    [InlineData(SniffedType.Gif, "image/gif")]
    [InlineData(SniffedType.Heif, "image/heic")]
    [InlineData(SniffedType.Avif, "image/avif")]
    [InlineData(SniffedType.Mp4, "video/mp4")]
    [InlineData(SniffedType.QuickTime, "video/quicktime")]
    [InlineData(SniffedType.WebM, "video/webm")]
    [InlineData(SniffedType.ThreeGp, "video/3gpp")]
    [InlineData(SniffedType.Unknown, null)]
    public void EachTypeHasItsMimeType(SniffedType type, string? expected)
    {
        Assert.Equal(expected, FileSniffer.MimeType(type));
    }

    private static byte[] Ftyp(string major, string[] compatible)
    {
        int size = 16 + 4 * compatible.Length;
        var box = new List<byte> { 0, 0, 0, (byte)size };
        box.AddRange(Encoding.ASCII.GetBytes("ftyp" + major));
        box.AddRange(new byte[4]); // minor version
        foreach (string brand in compatible)
        {
            box.AddRange(Encoding.ASCII.GetBytes(brand));
        }

        return [.. box];
    }
}
