using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorWss.Connections;

/// <summary>The open connections of this node, by id and by user name (for send-to-user).</summary>
internal sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ConnectionInfo> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HashSet<IActorRef>> _byUser = new(StringComparer.Ordinal);

    public int Count => _byId.Count;

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
                return;
            }
        }
    }

    public void Unregister(ConnectionInfo info)
    {
        _byId.TryRemove(new KeyValuePair<string, ConnectionInfo>(info.Id, info));
        if (info.UserName is not { } user || !_byUser.TryGetValue(user, out var connections)) return;
        lock (connections)
        {
            connections.Remove(info.Connection);
            if (connections.Count == 0) _byUser.TryRemove(new KeyValuePair<string, HashSet<IActorRef>>(user, connections));
        }
    }

    public IActorRef? Find(string id) => _byId.TryGetValue(id, out var info) ? info.Connection : null;

    public IActorRef[] OfUser(string user)
    {
        if (!_byUser.TryGetValue(user, out var connections)) return [];
        lock (connections) return [.. connections];
    }
}
