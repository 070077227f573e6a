namespace Pinhole.Server.Tests.Infrastructure;

/// <summary>A running Pinhole server a test talks to over HTTP: in the test process, or a process of its own.</summary>
public interface IPinholeServer
{
    Uri BaseAddress { get; }

    HttpClient CreateClient(bool followRedirects = false);
}
