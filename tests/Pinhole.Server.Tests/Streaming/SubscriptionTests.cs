using System.Threading.Channels;
using Pinhole.Server.Features.Streaming;

namespace Pinhole.Server.Tests.Streaming;

/// <summary>A subscription's queue on its own: the order a reconnecting client sees, and what happens to one that stops reading.</summary>
public sealed class SubscriptionTests
{
    private static readonly StreamKey User = new(StreamNames.User);

    private static StreamMessage Message(long id) => new(id, "update", $"{{\"id\":\"{id}\"}}", User);

    private static List<long> Drain(Channel<StreamMessage> queue)
    {
        var ids = new List<long>();
        while (queue.Reader.TryRead(out var message))
            ids.Add(message.Id);
        return ids;
    }

    [Fact]
    public void LiveEventsWaitBehindTheCatchUpAndAreNotSentTwice()
    {
        var queue = Channel.CreateUnbounded<StreamMessage>();
        var subscription = new Subscription(1, User, queue.Writer);

        // While the catch-up reads the database, live events come in: one it will also find, and two newer ones.
        subscription.Deliver(Message(12));
        subscription.Deliver(Message(14));
        subscription.Deliver(Message(13));
        subscription.CatchUp([Message(11), Message(12)], upTo: 12);
        subscription.Deliver(Message(15));

        Assert.Equal([11, 12, 13, 14, 15], Drain(queue));
    }

    [Fact]
    public void AClientThatStopsReadingIsDroppedInsteadOfQueuingWithoutEnd()
    {
        var queue = Channel.CreateBounded<StreamMessage>(3);
        var subscription = new Subscription(1, User, queue.Writer);
        subscription.CatchUp([], 0);

        for (var id = 1; id <= 10; id++)
            subscription.Deliver(Message(id));

        Assert.True(subscription.Overflowed);
        Assert.Equal([1, 2, 3], Drain(queue));
        Assert.True(queue.Reader.Completion.IsCompleted);
    }
}
