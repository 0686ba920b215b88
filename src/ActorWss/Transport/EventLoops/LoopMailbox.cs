using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace ActorWss.Transport.EventLoops;

/// <summary>
/// The mailbox of the actors on the event-loop dispatcher (a connection's actor and its stream's interpreter): an
/// unbounded queue that costs nothing while empty. Akka's default queue (a <c>ConcurrentQueue</c>) allocates a
/// 32-slot segment (about 1 KiB) per actor up front, which for idle connections is most of an actor's weight; these
/// actors rarely hold more than a few messages, and their messages come mostly from the loop's own thread, so a lock
/// that is almost never contended costs less than that.
/// </summary>
internal sealed class LoopMailbox(Settings settings, Config config)
    : MailboxType(settings, config), IProducesMessageQueue<LoopMailbox.Queue>
{
    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new Queue();

    /// <summary>A ring buffer under a lock: empty until the first message, grows by doubling (a power of two), and is released when drained after a burst.</summary>
    internal sealed class Queue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private const int FirstCapacity = 4, KeptCapacity = 64;

        private readonly Lock _lock = new();
        private Envelope[] _items = [];
        private int _head;
        private int _count;

        public bool HasMessages => Volatile.Read(ref _count) > 0;

        public int Count => Volatile.Read(ref _count);

        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            lock (_lock)
            {
                if (_count == _items.Length) Grow();
                _items[(_head + _count) & (_items.Length - 1)] = envelope;
                Volatile.Write(ref _count, _count + 1);
            }
        }

        public bool TryDequeue(out Envelope envelope)
        {
            if (Volatile.Read(ref _count) == 0)
            {
                envelope = default;
                return false;
            }
            lock (_lock)
            {
                if (_count == 0)
                {
                    envelope = default;
                    return false;
                }
                envelope = _items[_head];
                _items[_head] = default;
                _head = (_head + 1) & (_items.Length - 1);
                Volatile.Write(ref _count, _count - 1);
                if (_count == 0)
                {
                    _head = 0;
                    if (_items.Length > KeptCapacity) _items = [];
                }
                return true;
            }
        }

        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out var envelope)) deadletters.Enqueue(owner, envelope);
        }

        private void Grow()
        {
            var grown = new Envelope[Math.Max(FirstCapacity, _items.Length * 2)];
            for (int i = 0; i < _count; i++) grown[i] = _items[(_head + i) & (_items.Length - 1)];
            _items = grown;
            _head = 0;
        }
    }
}
