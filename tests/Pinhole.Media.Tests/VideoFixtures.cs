using System.Globalization;
using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

/// <summary>
/// Uploads as phones and browsers make them, made on the fly from ffmpeg's lavfi sources (testsrc2 and a sine tone):
/// small and about a second long, so the suite stays fast on two cores.
/// </summary>
public static class VideoFixtures
{
    /// <summary>iPhone-style location: ISO 6709, as in ©xyz and com.apple.quicktime.location.ISO6709.</summary>
    public const string Latitude = "39.0392";

    /// <summary>An upload the 720p rendition would not improve: H.264 High/AAC-LC, 8-bit 4:2:0, modest bit rate.</summary>
    public static string CompliantMp4(TempDirectory directory, string name, int width = 320, int height = 240, double seconds = 1, bool audio = true)
    {
        string path = directory.File(name);
        string[] sound = audio ? ["-c:a", "aac", "-b:a", "96k"] : ["-an"];
        Ffmpeg.Run([.. Ffmpeg.Sources(width, height, seconds, audio: audio), "-c:v", "libx264", "-preset", "veryfast", "-crf", "30",
            "-profile:v", "high", "-pix_fmt", "yuv420p", .. sound, path]);
        return path;
    }

    /// <summary>A larger H.264 clip, too big to keep: it must be scaled to 720p and 360p.</summary>
    public static string FullHd(TempDirectory directory, string name = "1080p.mp4", double seconds = 1, bool audio = true) =>
        Ffmpeg.Mp4(directory, name, 1920, 1080, seconds, audio);

    /// <summary>
    /// What an iPhone uploads, in miniature: HEVC ("hvc1") in a QuickTime file, recorded sideways with a display matrix
    /// turning it 90° clockwise, with Apple's location, device and date keys. The picture is white with a red top-left
    /// quadrant as stored, so the red shows where "up" ended.
    /// </summary>
    public static string IphoneMov(TempDirectory directory, string name = "IMG_0001.MOV", int width = 320, int height = 240)
    {
        string path = directory.File(name);
        Ffmpeg.Run([.. RedCorner(width, height, seconds: 1), "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=1",
            "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error", "-tag:v", "hvc1", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-movflags", "use_metadata_tags",
            "-metadata", $"com.apple.quicktime.location.ISO6709=+{Latitude}+125.7625+010.000/",
            "-metadata", "com.apple.quicktime.make=Apple",
            "-metadata", "com.apple.quicktime.model=iPhone 15 Pro",
            "-metadata", "com.apple.quicktime.software=17.4",
            "-metadata", "com.apple.quicktime.creationdate=2024-05-01T10:00:00+0200",
            path]);

        // ffmpeg 5.1 has no -display_rotation; exiftool writes the track matrix as a phone does.
        Tool.ExifTool(path, "-Rotation=90");
        return path;
    }

    /// <summary>
    /// A compliant MP4 that carries everything a phone or an editor leaves behind: the location three ways (3GPP loci
    /// written by ffmpeg, QuickTime ©xyz and Apple's ISO 6709 key written by exiftool), ©mak/©mod user data, Apple's
    /// make, model and creation-date keys, a creation time, a titled stream, a subtitle track and a chapter.
    /// </summary>
    public static string TaggedMp4(TempDirectory directory, string name = "tagged.mp4")
    {
        string subtitles = directory.File("subtitles.srt");
        File.WriteAllText(subtitles, "1\n00:00:00,000 --> 00:00:00,900\nShot at home\n");
        string chapters = directory.File("chapters.txt");
        File.WriteAllText(chapters, ";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=900\ntitle=Arrival\n");
        string path = directory.File(name);
        Ffmpeg.Run([.. Ffmpeg.Sources(320, 240, 1), "-i", subtitles, "-f", "ffmetadata", "-i", chapters,
            "-map", "0:v", "-map", "1:a", "-map", "2:s", "-map_chapters", "3",
            "-c:v", "libx264", "-preset", "veryfast", "-crf", "30", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "96k", "-c:s", "mov_text",
            "-metadata", $"location=+{Latitude}+125.7625/", "-metadata", "creation_time=2024-05-01T08:00:00Z",
            "-metadata:s:v", "title=Back camera", path]);
        Tool.ExifTool(path, $"-UserData:GPSCoordinates={Latitude}, 125.7625", "-UserData:Make=Apple", "-UserData:Model=iPhone 15 Pro",
            $"-Keys:GPSCoordinates={Latitude}, 125.7625", "-Keys:Make=Apple", "-Keys:Model=iPhone 15 Pro",
            "-Keys:CreationDate=2024:05:01 10:00:00+02:00");
        return path;
    }

    /// <summary>A browser recording: VP9 and Opus in WebM.</summary>
    public static string WebM(TempDirectory directory, string name = "clip.webm", int width = 320, int height = 240)
    {
        string path = directory.File(name);
        Ffmpeg.Run([.. Ffmpeg.Sources(width, height, 1), "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8",
            "-c:a", "libopus", "-b:a", "48k", path]);
        return path;
    }

    /// <summary>
    /// A WebM written to a pipe, as MediaRecorder streams it: the muxer cannot go back to fill in the duration, so the
    /// header does not say how long it is.
    /// </summary>
    public static string StreamedWebMWithoutDuration(TempDirectory directory, double seconds, string name = "streamed.webm")
    {
        string path = directory.File(name);
        string d = seconds.ToString(CultureInfo.InvariantCulture);
        Tool.Run("sh", "-c",
            $"ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i testsrc2=size=160x120:rate=15:duration={d} " +
            "-c:v libvpx-vp9 -deadline realtime -cpu-used 8 -f webm pipe:1 > \"$1\"", "sh", path);
        return path;
    }

    /// <summary>An old phone's 3GP: H.263 at QCIF (176×144) with 8 kHz mono AAC (Debian's ffmpeg has no AMR encoder).</summary>
    public static string ThreeGp(TempDirectory directory, string name = "MOV0001.3gp")
    {
        string path = directory.File(name);
        Ffmpeg.Run(["-f", "lavfi", "-i", "testsrc2=size=176x144:rate=15:duration=1", "-f", "lavfi", "-i", "sine=duration=1:sample_rate=8000",
            "-c:v", "h263", "-c:a", "aac", "-ar", "8000", "-ac", "1", path]);
        return path;
    }

    /// <summary>An M4V as iTunes-era tools wrote it: MPEG-4 Part 2 video with AAC.</summary>
    public static string M4V(TempDirectory directory, string name = "clip.m4v")
    {
        string path = directory.File(name);
        Ffmpeg.Run([.. Ffmpeg.Sources(320, 240, 1), "-c:v", "mpeg4", "-q:v", "5", "-c:a", "aac", "-f", "ipod", path]);
        return path;
    }

    /// <summary>Sound only, encoded with <paramref name="codec"/> into the container <paramref name="name"/>'s extension implies.</summary>
    public static string Audio(TempDirectory directory, string name, string codec)
    {
        string path = directory.File(name);
        Ffmpeg.Run(["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=1", "-c:a", codec, path]);
        return path;
    }

    /// <summary>An MP3 with its album cover: the JPEG is a "video" stream marked as an attached picture.</summary>
    public static string Mp3WithCover(TempDirectory directory, string name = "song.mp3")
    {
        string path = directory.File(name);
        Ffmpeg.Run(["-f", "lavfi", "-i", "sine=duration=1", "-f", "lavfi", "-i", "color=red:size=64x64:duration=1",
            "-map", "0", "-map", "1", "-frames:v", "1", "-c:a", "libmp3lame", "-c:v", "mjpeg", "-disposition:v", "attached_pic",
            "-id3v2_version", "3", "-metadata", "title=Song", path]);
        return path;
    }

    /// <summary>An animated GIF with odd edges (161×121), which 4:2:0 video cannot have.</summary>
    public static string AnimatedGif(TempDirectory directory, string name = "dance.gif")
    {
        string path = directory.File(name);
        Ffmpeg.Run(["-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1", "-vf", "format=rgb24,pad=161:121", path]);
        return path;
    }

    /// <summary>White with a red top-left quadrant, as lavfi inputs.</summary>
    public static string[] RedCorner(int width, int height, double seconds)
    {
        string d = seconds.ToString(CultureInfo.InvariantCulture);
        return ["-f", "lavfi", "-i",
            $"color=white:size={width}x{height}:rate=30:duration={d},drawbox=x=0:y=0:w={width / 2}:h={height / 2}:color=red:t=fill"];
    }
}
