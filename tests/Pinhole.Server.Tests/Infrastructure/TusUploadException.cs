using System.Net;

namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>A tus request the server answered, but not with success.</summary>
public sealed class TusUploadException(HttpStatusCode status, string message, bool transient) : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = status;

    /// <summary>Worth asking for the offset again and going on, rather than failing the upload.</summary>
    public bool IsTransient { get; } = transient;

    /// <summary>
    /// Server trouble and throttling pass; 409 means the offset the client assumed was wrong, and 460 that the
    /// network spoiled a chunk's bytes: both are mended by asking the server where it is and sending again.
    /// </summary>
    public static bool IsTransientStatus(HttpStatusCode status) =>
        (int)status >= 500 || (int)status == 460
        || status is HttpStatusCode.Conflict or HttpStatusCode.RequestTimeout or HttpStatusCode.Locked or HttpStatusCode.TooManyRequests;
}
