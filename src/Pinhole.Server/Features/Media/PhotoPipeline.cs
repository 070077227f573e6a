using Microsoft.Extensions.Options;
using Pinhole.Media;
using Pinhole.Server.Hosting;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// Runs libvips off the request threads, at most one photo per core at a time, so a burst of uploads queues
/// instead of multiplying memory.
/// </summary>
public sealed class PhotoPipeline(IOptions<PinholeOptions> options) : IDisposable
{
    private readonly PhotoProcessor _processor = new(options.Value.Media.MaxImagePixels);
    private readonly SemaphoreSlim _gate = new(Environment.ProcessorCount);

    public ImageHeader ReadHeader(string path) => _processor.ReadHeader(path);

    public Task<PhotoResult> ProcessAsync(string path, IReadOnlyList<RenditionSpec> renditions, CancellationToken cancellationToken) =>
        ProcessAsync(path, renditions, PhotoEdits.None, cancellationToken);

    public async Task<PhotoResult> ProcessAsync(string path, IReadOnlyList<RenditionSpec> renditions, PhotoEdits edits, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => _processor.Process(path, renditions, edits, cancellationToken), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IReadOnlyList<FilterPreview>> PreviewFiltersAsync(string samplePath, int size, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await Task.Run(() => _processor.PreviewFilters(samplePath, size, OutputFormat.WebP, cancellationToken), cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
