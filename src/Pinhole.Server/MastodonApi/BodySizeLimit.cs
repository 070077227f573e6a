using Microsoft.AspNetCore.Http.Metadata;

namespace Pinhole.Server.MastodonApi;

/// <summary>Raises the request body limit for one endpoint (uploads) above the server-wide default.</summary>
public sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
