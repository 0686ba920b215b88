using ActorWss.Connections;
using ActorWss.Routing;
using ActorWss.WebSocket;

namespace ActorWss.Tests.Application;

public sealed class OutboundQueueTests
{
    private static Message M(int n) => Message.Text(n.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static List<string> Drain(OutboundQueue queue)
    {
        var taken = new List<string>();
        while (queue.TryTake(out var message)) taken.Add(message.GetText());
        return taken;
    }

    [Theory]
    [InlineData(OverflowPolicy.DropOldest)]
    [InlineData(OverflowPolicy.DropNewest)]
    [InlineData(OverflowPolicy.Close1008)]
    [InlineData(OverflowPolicy.Close1013)]
    internal void Up_to_its_capacity_a_queue_keeps_every_message_in_order(OverflowPolicy policy)
    {
        var queue = new OutboundQueue(3, policy);

        Assert.All(Enumerable.Range(0, 3), n => Assert.Equal(OfferOutcome.Queued, queue.Offer(M(n))));

        Assert.Equal(["0", "1", "2"], Drain(queue));
    }

    [Fact]
    public void Drop_oldest_makes_room_for_the_new_message()
    {
        var queue = new OutboundQueue(3, OverflowPolicy.DropOldest);
        for (int n = 0; n < 3; n++) queue.Offer(M(n));

        Assert.Equal(OfferOutcome.DroppedOldest, queue.Offer(M(3)));
        Assert.Equal(OfferOutcome.DroppedOldest, queue.Offer(M(4)));

        Assert.Equal(["2", "3", "4"], Drain(queue));
    }

    [Fact]
    public void Drop_newest_keeps_what_was_queued()
    {
        var queue = new OutboundQueue(2, OverflowPolicy.DropNewest);
        queue.Offer(M(0));
        queue.Offer(M(1));

        Assert.Equal(OfferOutcome.DroppedNewest, queue.Offer(M(2)));

        Assert.Equal(["0", "1"], Drain(queue));
    }

    [Theory]
    [InlineData(OverflowPolicy.Close1008)]
    [InlineData(OverflowPolicy.Close1013)]
    internal void A_closing_policy_reports_the_overflow_and_queues_nothing_more(OverflowPolicy policy)
    {
        var queue = new OutboundQueue(1, policy);
        queue.Offer(M(0));

        Assert.Equal(OfferOutcome.Overflowed, queue.Offer(M(1)));

        Assert.Equal(["0"], Drain(queue));
    }

    [Fact]
    public void A_message_sent_to_many_connections_is_framed_once()
    {
        var message = Message.Text("shared");

        var first = FrameRenderer.Render(OutboundFrame.Of(message));
        var second = FrameRenderer.Render(OutboundFrame.Of(message));

        Assert.Same(first, second);
        Assert.Equal(new byte[] { 0x81, 6, (byte)'s', (byte)'h', (byte)'a', (byte)'r', (byte)'e', (byte)'d' }, first.ToArray());
    }
}
