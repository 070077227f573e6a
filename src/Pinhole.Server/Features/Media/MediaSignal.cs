namespace Pinhole.Server.Features.Media;

/// <summary>Wakes the media workers when an upload has queued a job, instead of leaving it to their next poll.</summary>
public sealed class MediaSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0);

    public void Poke() => _signal.Release();

    /// <summary>Returns when poked or after <paramref name="poll"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan poll, CancellationToken cancellationToken) => await _signal.WaitAsync(poll, cancellationToken);

    public void Dispose() => _signal.Dispose();
}
