using Microsoft.AspNetCore.Http.HttpResults;
using Pinhole.Media;
using Pinhole.Server.Hosting;
using Pinhole.Server.MastodonApi;

namespace Pinhole.Server.Features.Media;

/// <summary>
/// Pinhole's photo filters (<c>filter</c> on <c>POST /api/v2/media</c>), each with a small preview of one sample
/// scene, so a client can show the choice before anyone uploads. The previews are made once, on first use.
/// </summary>
public static class FilterEndpoints
{
    /// <summary>Pixels on a side: a picker's thumbnail on a phone at 2× density.</summary>
    public const int PreviewSize = 160;

    public sealed record FilterEntity(string Id, string Name, string Description, string PreviewUrl);

    public static RouteGroupBuilder MapFilters(this RouteGroupBuilder api)
    {
        api.MapGet("/v1/pinhole/filters", List);
        api.MapGet("/v1/pinhole/filters/{id}/preview.webp", Preview);
        return api;
    }

    private static Ok<List<FilterEntity>> List(PublicUrl urls) => TypedResults.Ok(Filters.All
        .Select(f => new FilterEntity(f.Id, f.Name, f.Description, urls.Asset($"api/v1/pinhole/filters/{f.Id}/preview.webp")))
        .ToList());

    private static async Task<IResult> Preview(string id, FilterPreviews previews, HttpContext http, CancellationToken cancellationToken)
    {
        if (!Filters.Exists(id))
            throw ApiException.NotFound();
        var all = await previews.GetAsync(cancellationToken);
        http.Response.Headers.CacheControl = "public, max-age=86400";
        return TypedResults.Bytes(all[id], "image/webp");
    }
}

/// <summary>The sample scene under every filter, rendered once per process (eight small WebP files, a few kB each).</summary>
public sealed class FilterPreviews(PhotoPipeline photos)
{
    private readonly Lazy<Task<IReadOnlyDictionary<string, byte[]>>> _previews = new(() => RenderAsync(photos));

    public Task<IReadOnlyDictionary<string, byte[]>> GetAsync(CancellationToken cancellationToken) =>
        _previews.Value.WaitAsync(cancellationToken);

    private static async Task<IReadOnlyDictionary<string, byte[]>> RenderAsync(PhotoPipeline photos)
    {
        var sample = Path.Combine(Path.GetTempPath(), $"pinhole-filter-sample-{Guid.NewGuid():N}.jpg");
        await using (var resource = typeof(FilterPreviews).Assembly.GetManifestResourceStream("filter-sample.jpg")!)
        await using (var file = File.Create(sample))
            await resource.CopyToAsync(file);
        try
        {
            var previews = await photos.PreviewFiltersAsync(sample, FilterEndpoints.PreviewSize, CancellationToken.None);
            return previews.ToDictionary(p => p.Filter.Id, p => p.Image.Bytes);
        }
        finally
        {
            File.Delete(sample);
        }
    }
}
