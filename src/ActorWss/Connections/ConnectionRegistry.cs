using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorWss.Connections;

/// <summary>The open connections of this node, by id and by user name (for send-to-user).</summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ConnectionInfo> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<IActorRef>> _byUser = new(StringComparer.Ordinal);

    public int Count => _byId.Count;

    /// <summary>Called when a user gains a connection on this node (true) or loses its last (false); the receiver checks <see cref="OfUser"/>.</summary>
    public Action<string, bool>? OnUserActive { get; set; }

    /// <summary>The users with at least one connection on this node.</summary>
    public IReadOnlyCollection<string> Users => [.. _byUser.Keys];

    public void Register(ConnectionInfo info)
    {
        _byId[info.Id] = info;
        if (info.UserName is not { } user) return;
        while (true)
        {
            var connections = _byUser.GetOrAdd(user, _ => []);
            lock (connections)
            {
                if (!ReferenceEquals(_byUser.GetValueOrDefault(user), connections)) continue; // emptied and removed meanwhile
                connections.Add(info.Connection);
                break;
            }
        }
        OnUserActive?.Invoke(user, true);
    }

    public void Unregister(ConnectionInfo info)
    {
        bool last = false;
        _byId.TryRemove(new KeyValuePair<string, ConnectionInfo>(info.Id, info));
        if (info.UserName is not { } user || !_byUser.TryGetValue(user, out var connections)) return;
        lock (connections)
        {
            connections.Remove(info.Connection);
            if (connections.Count == 0) last = _byUser.TryRemove(new KeyValuePair<string, HashSet<IActorRef>>(user, connections));
        }
        if (last) OnUserActive?.Invoke(user, false);
    }

    public IActorRef? Find(string id) => _byId.TryGetValue(id, out var info) ? info.Connection : null;

    public IActorRef[] OfUser(string user)
    {
        if (!_byUser.TryGetValue(user, out var connections)) return [];
        lock (connections) return [.. connections];
    }
}
