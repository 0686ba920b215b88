using ActorWss.Routing;
using ActorWss.WebSocket;

namespace ActorWss.Connections;

/// <summary>What became of a message offered to a full <see cref="OutboundQueue"/>.</summary>
internal enum OfferOutcome
{
    Queued,
    /// <summary>Queued, and the oldest message was dropped to make room.</summary>
    DroppedOldest,
    /// <summary>Not queued: the new message was dropped.</summary>
    DroppedNewest,
    /// <summary>Not queued: the policy closes the connection.</summary>
    Overflowed,
}

/// <summary>
/// The messages sent to one connection (pushes, topic messages, a connection actor's replies) that its client has
/// not taken yet: at most <c>capacity</c>, beyond which the route's <see cref="OverflowPolicy"/> decides. Used by
/// one stage on its own thread: not thread-safe.
/// </summary>
internal sealed class OutboundQueue(int capacity, OverflowPolicy policy)
{
    private readonly Queue<Message> _messages = new(Math.Min(capacity, 16));

    public int Count => _messages.Count;

    public int Capacity { get; } = capacity;

    public OverflowPolicy Policy { get; } = policy;

    public OfferOutcome Offer(Message message)
    {
        if (_messages.Count < Capacity)
        {
            _messages.Enqueue(message);
            return OfferOutcome.Queued;
        }
        switch (Policy)
        {
            case OverflowPolicy.DropOldest:
                _messages.Dequeue();
                _messages.Enqueue(message);
                return OfferOutcome.DroppedOldest;
            case OverflowPolicy.DropNewest:
                return OfferOutcome.DroppedNewest;
            default:
                return OfferOutcome.Overflowed;
        }
    }

    public bool TryTake(out Message message) => _messages.TryDequeue(out message!);

    public void Clear() => _messages.Clear();
}
