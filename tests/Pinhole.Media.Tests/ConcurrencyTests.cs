using Pinhole.Media.Tests.Support;

namespace Pinhole.Media.Tests;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TempDirectory directory = new();

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task PhotosProcessedInParallelOnDifferentThreadsAllComeOutRight()
    {
        // Twelve different photos (sizes, colours, formats, orientations, one damaged), all at once.
        var photos = new List<(string Path, int Width, int Height, byte[] Colour)>();
        for (int i = 0; i < 12; i++)
        {
            int width = 400 + 97 * i;
            int height = 300 + 41 * i;
            byte[] colour = [(byte)(20 * i), (byte)(255 - 20 * i), (byte)(i % 2 * 200)];
            string name = $"photo-{i}" + (i % 3) switch { 0 => ".jpg", 1 => ".png", _ => ".webp" };
            photos.Add((Photos.Save(directory, new Canvas(width, height).Fill(colour), name, i % 3 == 0 ? "[Q=95]" : ""), width, height, colour));
        }

        string damaged = directory.File("damaged.jpg");
        byte[] whole = File.ReadAllBytes(photos[0].Path);
        File.WriteAllBytes(damaged, whole[..(whole.Length / 3)]);

        var processor = new PhotoProcessor(maxPixels: 100_000_000);
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        Task<PhotoResult>[] work = photos
            .Select(photo => Task.Run(() => processor.Process(photo.Path, Photos.StandardSpecs, cancellationToken), cancellationToken))
            .ToArray();
        Task<PhotoResult> broken = Task.Run(() => processor.Process(damaged, Photos.StandardSpecs, cancellationToken), cancellationToken);

        PhotoResult[] results = await Task.WhenAll(work);
        await Assert.ThrowsAsync<MediaRejectedException>(() => broken);

        for (int i = 0; i < photos.Count; i++)
        {
            (_, int width, int height, byte[] colour) = photos[i];
            Assert.Equal((width, height), (results[i].Width, results[i].Height));
            foreach (Rendition rendition in results[i].Renditions)
            {
                Decoded image = Decoded.FromBytes(rendition.Bytes, directory);
                Assert.Equal((rendition.Width, rendition.Height), (image.Width, image.Height));
                byte[] centre = image.AtFraction(0.5, 0.5);
                for (int band = 0; band < 3; band++)
                {
                    Assert.InRange(centre[band], colour[band] - 8, colour[band] + 8);
                }
            }
        }
    }
}
