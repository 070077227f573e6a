namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>How patient a <see cref="TusClient"/> is.</summary>
public sealed record TusClientOptions
{
    /// <summary>The whole upload, retries included, fails after this long.</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>One request without an answer for this long is abandoned and retried: what ends a black hole's hang.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait after a first failure, doubled after each further one up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Send <c>Upload-Checksum</c> with every chunk. A checksummed chunk is all or nothing, so on a link that drops
    /// mid-chunk its partial bytes are resent; without, the server keeps them and only what was lost is resent.
    /// </summary>
    public bool Checksums { get; init; } = true;
}
