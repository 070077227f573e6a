namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>How bad the network behind a <see cref="FlakyProxy"/> is. Read again for every chunk, so a test can
/// swap in other options mid-transfer.</summary>
public sealed record FlakyProxyOptions
{
    /// <summary>Each connection is reset once it has forwarded this many bytes from client to server (those
    /// bytes are delivered first); the next connection gets the same allowance. Null: never.</summary>
    public long? CutAfterBytes { get; init; }

    /// <summary>
    /// A cut resets only the client's side; the server's side just goes quiet (no FIN, no RST) until the proxy is
    /// disposed, as when a phone's radio link dies: the server keeps every byte that reached it and learns of the
    /// loss only from its own timeouts or the client's return. False: both sides are reset.
    /// </summary>
    public bool SilentCut { get; init; }

    /// <summary>How long every chunk takes to cross, in each direction: half a round trip.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>The link's capacity in each direction, shared by all connections, in bytes per second. Null: unlimited.</summary>
    public long? BytesPerSecond { get; init; }

    /// <summary>A mobile link: <paramref name="roundTrip"/> split evenly between the two directions.</summary>
    public static FlakyProxyOptions WithRoundTrip(TimeSpan roundTrip) => new() { Delay = roundTrip / 2 };
}
