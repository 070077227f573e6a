using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

/// <summary>Reads outputs back with tools other than the ones that wrote them: ffprobe, exiftool, a box walker, /proc.</summary>
public static class VideoInspection
{
    /// <summary>The types of an MP4's top-level boxes, in file order ("ftyp", "moov", "mdat", ...).</summary>
    public static IReadOnlyList<string> TopLevelBoxes(string path)
    {
        using FileStream file = File.OpenRead(path);
        var boxes = new List<string>();
        Span<byte> header = stackalloc byte[16];
        long offset = 0;
        while (offset + 8 <= file.Length)
        {
            file.Position = offset;
            file.ReadExactly(header[..8]);
            long size = BinaryPrimitives.ReadUInt32BigEndian(header);
            boxes.Add(Encoding.Latin1.GetString(header[4..8]));
            if (size == 1)
            {
                file.ReadExactly(header[8..16]);
                size = (long)BinaryPrimitives.ReadUInt64BigEndian(header[8..]);
            }
            else if (size == 0)
            {
                size = file.Length - offset; // the last box runs to the end of the file
            }

            if (size < 8)
            {
                throw new InvalidDataException($"box of {size} bytes at {offset}");
            }

            offset += size;
        }

        return boxes;
    }

    /// <summary>ffprobe's JSON with streams, format and chapters.</summary>
    public static JsonElement Probe(string path)
    {
        string json = Tool.Run("ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", "-show_chapters", path);
        using JsonDocument document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Every tag exiftool finds, as "Group:Name" → value, with duplicates (-a) and the specific group (-G1).</summary>
    public static IReadOnlyDictionary<string, string> ExifTags(string path)
    {
        using JsonDocument document = JsonDocument.Parse(Tool.Run("exiftool", "-j", "-a", "-G1", path));
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (JsonProperty tag in document.RootElement[0].EnumerateObject())
        {
            tags[tag.Name] = tag.Value.ToString();
        }

        return tags;
    }

    /// <summary>
    /// The tags that would tell where, when or with what a clip was shot, or carry its words: location in any form,
    /// device make, model and software, the creation date the phone wrote, titles, and anything from the user-data,
    /// Keys or item-list boxes where these live.
    /// </summary>
    public static IReadOnlyList<string> RevealingTags(string path) =>
        ExifTags(path)
            .Where(tag => tag.Key.StartsWith("UserData:", StringComparison.Ordinal)
                || tag.Key.StartsWith("Keys:", StringComparison.Ordinal)
                || tag.Key.StartsWith("ItemList:", StringComparison.Ordinal)
                || tag.Key.StartsWith("XMP", StringComparison.Ordinal)
                || ((string[])["GPS", "Location", "Make", "Model", "Software", "CreationDate", "Title", "Encoder", "Comment"])
                    .Any(word => tag.Key.Contains(word, StringComparison.OrdinalIgnoreCase))
                || tag.Value.Contains(VideoFixtures.Latitude, StringComparison.Ordinal)
                || tag.Value.Contains("39 deg", StringComparison.Ordinal)
                || tag.Value.Contains("iPhone", StringComparison.Ordinal)
                || (tag.Key.EndsWith("Date", StringComparison.Ordinal) && tag.Key.StartsWith("QuickTime:", StringComparison.Ordinal)
                    && tag.Value != "0000:00:00 00:00:00"))
            .Select(tag => $"{tag.Key}={tag.Value}")
            .ToList();

    /// <summary>An MD5 of a stream's packets as stored: equal for two files exactly when the stream was copied, not re-encoded.</summary>
    public static string PacketsMd5(string path, string stream) =>
        Tool.Run("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-i", path, "-map", stream, "-c", "copy", "-f", "md5", "-").Trim();

    /// <summary>The ids of live processes whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> ProcessesMentioning(string marker) =>
        CommandLinesMentioning(marker).Select(process => process.Pid).ToList();

    /// <summary>Live processes whose command line contains <paramref name="marker"/>, with that command line (arguments joined by spaces).</summary>
    public static IReadOnlyList<(int Pid, string CommandLine)> CommandLinesMentioning(string marker)
    {
        var found = new List<(int, string)>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid))
            {
                continue;
            }

            try
            {
                string commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                string status = File.ReadAllText(Path.Combine(directory, "status"));
                bool zombie = status.Contains("State:\tZ", StringComparison.Ordinal);
                if (!zombie && commandLine.Contains(marker, StringComparison.Ordinal))
                {
                    found.Add((pid, commandLine));
                }
            }
            catch (IOException)
            {
                // Exited while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Red, green and blue within a few levels of each other: a grey (or black or white) pixel.</summary>
    public static bool IsGrey(byte[] pixel) =>
        Math.Max(pixel[0], Math.Max(pixel[1], pixel[2])) - Math.Min(pixel[0], Math.Min(pixel[1], pixel[2])) <= 6;
}
