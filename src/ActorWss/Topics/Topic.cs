using Akka.Actor;

namespace ActorWss.Topics;

/// <summary>
/// The subscribers of one topic on this node. Joining and leaving take a lock; publishing reads a snapshot array that
/// is rebuilt only after a change, so a burst of joins costs one copy and a publish costs none.
/// </summary>
internal sealed class Topic(string name)
{
    private readonly Lock _gate = new();
    private readonly HashSet<IActorRef> _members = [];
    private IActorRef[]? _snapshot = [];

    public string Name { get; } = name;

    /// <summary>The topic lost its last subscriber and left the registry; a new subscriber needs a new topic.</summary>
    public bool Retired { get; private set; }

    /// <summary>False when the topic is retired (the caller takes a fresh one) or <paramref name="subscriber"/> was already in it.</summary>
    public bool TryAdd(IActorRef subscriber, out bool added)
    {
        lock (_gate)
        {
            added = false;
            if (Retired) return false;
            if (_members.Add(subscriber))
            {
                added = true;
                Volatile.Write(ref _snapshot, null);
            }
            return true;
        }
    }

    /// <summary>Removes <paramref name="subscriber"/>; retires the topic when it was the last one. Returns whether it was a member.</summary>
    public bool Remove(IActorRef subscriber, out bool retired)
    {
        lock (_gate)
        {
            bool removed = _members.Remove(subscriber);
            if (removed) Volatile.Write(ref _snapshot, null);
            if (_members.Count == 0) Retired = true;
            retired = Retired;
            return removed;
        }
    }

    public IActorRef[] Members()
    {
        var snapshot = Volatile.Read(ref _snapshot);
        if (snapshot is not null) return snapshot;
        lock (_gate)
        {
            _snapshot ??= [.. _members];
            return _snapshot;
        }
    }

    public int Count
    {
        get
        {
            lock (_gate) return _members.Count;
        }
    }
}
