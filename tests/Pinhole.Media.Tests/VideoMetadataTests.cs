using System.Text.Json;
using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

/// <summary>Nothing but picture and sound leaves the server: checked with exiftool and ffprobe, not with what wrote it.</summary>
public sealed class VideoMetadataTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly FfmpegRunner runner = new();
    private readonly VideoProcessor processor;

    public VideoMetadataTests() => processor = new VideoProcessor(runner);

    public void Dispose()
    {
        runner.Dispose();
        directory.Dispose();
    }

    private string Out => directory.File("out");

    private static VideoJob Job => new(VideoLimits.Default);

    [Fact]
    public async Task AnIphoneClipsLocationDeviceAndDateAreGoneFromEveryOutputAndThePoster()
    {
        string source = VideoFixtures.IphoneMov(directory, width: 640, height: 480);
        Assert.NotEmpty(VideoInspection.RevealingTags(source));

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

        Assert.Equal(2, video.Outputs.Count);
        foreach (string path in video.Outputs.Select(o => o.Path).Append(video.Poster!.JpegPath).Append(video.Poster.WebPPath))
        {
            Assert.Empty(VideoInspection.RevealingTags(path));
        }
    }

    [Fact]
    public async Task ARemuxedClipLosesItsXyzLocationKeysSubtitlesAndChapters()
    {
        string source = VideoFixtures.TaggedMp4(directory);
        JsonElement before = VideoInspection.Probe(source);
        // The MP4 muxer stores the chapter as a text track too, hence a data stream besides the subtitles.
        Assert.Equal(["video", "audio", "subtitle", "data"], before.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_type").GetString()));
        Assert.Equal(1, before.GetProperty("chapters").GetArrayLength());
        IReadOnlyList<string> revealing = VideoInspection.RevealingTags(source);
        foreach (string tag in (string[])["UserData:GPSCoordinates", "UserData:LocationInformation", "Keys:GPSCoordinates", "UserData:Model", "Keys:Model", "Keys:CreationDate"])
        {
            Assert.Contains(revealing, found => found.StartsWith(tag + "=", StringComparison.Ordinal));
        }

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job, TestContext.Current.CancellationToken);

        Assert.True(video.Remuxed);
        string output = video.Outputs[0].Path;
        Assert.Empty(VideoInspection.RevealingTags(output));
        JsonElement after = VideoInspection.Probe(output);
        Assert.Equal(["video", "audio"], after.GetProperty("streams").EnumerateArray().Select(s => s.GetProperty("codec_type").GetString()));
        Assert.Equal(0, after.GetProperty("chapters").GetArrayLength());
        Assert.Equal(["compatible_brands", "major_brand", "minor_version"], FormatTags(after));
    }

    [Fact]
    public async Task AnEncodedClipCarriesNoTagsButTheBrands()
    {
        string source = VideoFixtures.TaggedMp4(directory);

        ProcessedVideo video = await processor.ProcessAsync(source, Out, Job with { Filter = "warm" }, TestContext.Current.CancellationToken);

        Assert.False(video.Remuxed);
        JsonElement after = VideoInspection.Probe(video.Outputs[0].Path);
        Assert.Equal(["compatible_brands", "major_brand", "minor_version"], FormatTags(after));
        Assert.Equal(2, after.GetProperty("streams").GetArrayLength());
        Assert.Empty(VideoInspection.RevealingTags(video.Outputs[0].Path));
    }

    [Fact]
    public async Task EveryOutputHasItsIndexBeforeItsMediaDataForFastStart()
    {
        string remuxable = VideoFixtures.CompliantMp4(directory, "compliant.mp4", 640, 480);
        string encoded = VideoFixtures.WebM(directory);
        string sound = VideoFixtures.Audio(directory, "voice.ogg", "libvorbis");
        var outputs = new List<VideoOutput>();
        foreach (string source in (string[])[remuxable, encoded, sound])
        {
            string into = directory.File(Path.GetFileNameWithoutExtension(source));
            ProcessedVideo video = await processor.ProcessAsync(source, into, Job, TestContext.Current.CancellationToken);
            outputs.AddRange(video.Outputs);
            if (video.LowFollows is { } low)
                outputs.Add(await processor.MakeLowAsync(video.Outputs[0].Path, Path.Combine(into, "360p.mp4"), low, TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));
        }

        Assert.Equal(4, outputs.Count); // two from the compliant clip (the 360p made afterwards), one video, one audio
        foreach (VideoOutput output in outputs)
        {
            IReadOnlyList<string> boxes = VideoInspection.TopLevelBoxes(output.Path);
            Assert.Equal("ftyp", boxes[0]);
            Assert.InRange(boxes.ToList().IndexOf("moov"), 1, boxes.ToList().IndexOf("mdat") - 1);
        }
    }

    private static string[] FormatTags(JsonElement probe) =>
        probe.GetProperty("format").TryGetProperty("tags", out JsonElement tags)
            ? tags.EnumerateObject().Select(t => t.Name).Order(StringComparer.Ordinal).ToArray()
            : [];
}
