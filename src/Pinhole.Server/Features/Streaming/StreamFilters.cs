using System.Data.Common;
using Pinhole.Server.Features.CustomFilters;

namespace Pinhole.Server.Features.Streaming;

/// <summary>
/// Keeps each subscription's copy of its viewer's filters current, so matching an event costs no query: read when a
/// stream opens, and read again for all of a viewer's streams on this node when a <c>filters_changed</c> event of
/// theirs is delivered. That event is written in the transaction of the change, so a read it triggers sees the change.
/// </summary>
public sealed class StreamFilters
{
    private long _reads;

    public async Task RefreshAsync(DbConnection connection, long viewer, IReadOnlyCollection<Subscription> subscriptions, CancellationToken cancellationToken)
    {
        // Numbered before the query starts, so a read numbered after a change committed sees it; the refresh a change
        // triggers is numbered after it committed, so keeping the highest-numbered read never keeps filters older than that.
        var read = Interlocked.Increment(ref _reads);
        var filters = await ActiveFilters.LoadAsync(connection, viewer, cancellationToken);
        foreach (var subscription in subscriptions)
            subscription.OfferFilters(filters, read);
    }
}
