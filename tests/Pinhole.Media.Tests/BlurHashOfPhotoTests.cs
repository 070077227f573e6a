using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class BlurHashOfPhotoTests : IDisposable
{
    private readonly TempDirectory directory = new();
    private readonly PhotoProcessor processor = new(maxPixels: 100_000_000);

    public void Dispose() => directory.Dispose();

    [Fact]
    public void ThePhotosBlurHashHasItsColour()
    {
        string path = Photos.Save(directory, new Canvas(300, 200).Fill(230, 120, 20), "orange.jpg", "[Q=95]");

        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        Assert.Equal(28, result.BlurHash.Length); // 4×3 components, as Mastodon
        byte[] centre = BlurHash.Decode(result.BlurHash, 9, 9).AsSpan(3 * (4 * 9 + 4), 3).ToArray();
        Assert.InRange(centre[0], 210, 250);
        Assert.InRange(centre[1], 100, 140);
        Assert.InRange(centre[2], 0, 45);
    }

    [Fact]
    public void TheBlurHashIsOfTheUprightPhoto()
    {
        // Stored with red at the top-left, displayed turned 90° clockwise: red at the top-right.
        string path = Photos.Save(directory, Photos.RedCorner(600, 400), "turned.jpg", "[Q=95]");
        Tool.ExifTool(path, "-Orientation#=6");

        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        Decoded blur = new(40, 60, 3, BlurHash.Decode(result.BlurHash, 40, 60));
        byte[] topRight = blur.AtFraction(0.85, 0.1);
        byte[] topLeft = blur.AtFraction(0.15, 0.1);
        Assert.True(topRight[1] < topLeft[1] - 40, $"top-right {string.Join(',', topRight)} is redder than top-left {string.Join(',', topLeft)}");
    }

    [Fact]
    public void TransparentAreasCountAsWhiteInTheBlurHash()
    {
        string path = Photos.Save(directory, new Canvas(200, 100, channels: 4).Fill(0, 0, 0, 0), "clear.png");

        PhotoResult result = processor.Process(path, Photos.StandardSpecs, TestContext.Current.CancellationToken);

        Assert.All(BlurHash.Decode(result.BlurHash, 4, 3), value => Assert.True(value > 240));
    }
}
