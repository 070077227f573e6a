namespace Pinhole.Media;

/// <summary>Turns ffmpeg's stderr into a reason short and safe enough to show the person who uploaded the file.</summary>
internal static class VideoFailures
{
    private const int MaxReasonLength = 160;

    /// <summary>
    /// The first line ffmpeg wrote: the most specific ("moov atom not found", "Invalid NAL unit size (6913 > 4338)"),
    /// where later lines tend to be consequences ("Invalid data found when processing input"). The "[h264 @ 0x5581…]"
    /// prefix and the server's path to the file are cut: neither means anything to the reader, and the path is none of
    /// their business.
    /// </summary>
    public static string Reason(IReadOnlyList<string> stderrTail, string inputPath)
    {
        ArgumentNullException.ThrowIfNull(stderrTail);
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        string reason = stderrTail
            .Select(line => WithoutComponent(line.Trim()))
            .Select(line => line.Replace("file:" + inputPath, inputPath, StringComparison.Ordinal))
            .Select(line => line.StartsWith(inputPath + ":", StringComparison.Ordinal) ? line[(inputPath.Length + 1)..].Trim() : line)
            .Select(line => line.Replace(inputPath, "the file", StringComparison.Ordinal))
            .FirstOrDefault(line => line.Length > 0) ?? "ffmpeg gave no reason";
        return reason.Length > MaxReasonLength ? reason[..MaxReasonLength] + "…" : reason;
    }

    private static string WithoutComponent(string line)
    {
        int end = line.IndexOf(']', StringComparison.Ordinal);
        return line.StartsWith('[') && end > 0 && line.AsSpan(0, end).Contains(" @ 0x", StringComparison.Ordinal)
            ? line[(end + 1)..].TrimStart()
            : line;
    }
}
