using ActorWss.Connections;
using Akka.Actor;

namespace ActorWss.Topics;

/// <summary>
/// Presence on this node: which names are present in which topic (a name counts once however many of its
/// subscribers are in), and who watches a topic's members. Single node: watchers are told here. Clustered, the
/// node's presence is replicated (<see cref="OnLocalChange"/>) and watchers are told from the cluster-wide view.
/// </summary>
internal sealed class PresenceRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, int>> _present = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<IActorRef>> _watchers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string[]> _lastTold = new(StringComparer.Ordinal);

    /// <summary>A name became present (true) or absent (false) in a topic on this node. Set when clustered.</summary>
    public Action<string, string, bool>? OnLocalChange { get; set; }

    /// <summary>Clustered: members come from the replicated view, not from this node alone.</summary>
    public bool Replicated { get; set; }

    /// <summary>Called with a watcher the first time it watches anything (to be watched for termination).</summary>
    public Action<IActorRef>? OnFirstWatch { get; set; }

    public void Join(string topic, string name)
    {
        bool first;
        lock (_gate)
        {
            if (!_present.TryGetValue(topic, out var names)) _present[topic] = names = new(StringComparer.Ordinal);
            names[name] = names.GetValueOrDefault(name) + 1;
            first = names[name] == 1;
        }
        if (!first) return;
        OnLocalChange?.Invoke(topic, name, true);
        if (!Replicated) Tell(topic, LocalMembers(topic));
    }

    public void Leave(string topic, string name)
    {
        bool last = false;
        lock (_gate)
        {
            if (!_present.TryGetValue(topic, out var names) || !names.TryGetValue(name, out int count)) return;
            if (count > 1) names[name] = count - 1;
            else
            {
                names.Remove(name);
                if (names.Count == 0) _present.Remove(topic);
                last = true;
            }
        }
        if (!last) return;
        OnLocalChange?.Invoke(topic, name, false);
        if (!Replicated) Tell(topic, LocalMembers(topic));
    }

    /// <summary>The names present in <paramref name="topic"/> on this node, sorted.</summary>
    public string[] LocalMembers(string topic)
    {
        lock (_gate)
            return _present.TryGetValue(topic, out var names) ? [.. names.Keys.Order(StringComparer.Ordinal)] : [];
    }

    /// <summary>Every topic with a name present on this node, and those names (what this node publishes when clustered).</summary>
    public IReadOnlyList<(string Topic, string Name)> LocalEntries()
    {
        lock (_gate) return [.. _present.SelectMany(t => t.Value.Keys.Select(name => (t.Key, name)))];
    }

    /// <summary>Adds a watcher; returns whether it is the topic's first (clustered: time to follow its replicated view).</summary>
    public bool Watch(string topic, IActorRef watcher, string[] currentMembers)
    {
        bool firstForTopic, firstForWatcher;
        lock (_gate)
        {
            firstForWatcher = !_watchers.Values.Any(w => w.Contains(watcher));
            if (!_watchers.TryGetValue(topic, out var watchers)) _watchers[topic] = watchers = [];
            firstForTopic = watchers.Count == 0;
            watchers.Add(watcher);
            if (firstForTopic) _lastTold[topic] = currentMembers;
        }
        if (firstForWatcher) OnFirstWatch?.Invoke(watcher);
        watcher.Tell(new MembersChanged(topic, currentMembers, currentMembers, []), ActorRefs.NoSender);
        return firstForTopic;
    }

    /// <summary>Removes a watcher from one topic (or all, for null); returns the topics left without watchers.</summary>
    public IReadOnlyList<string> Unwatch(string? topic, IActorRef watcher)
    {
        var orphaned = new List<string>();
        lock (_gate)
        {
            foreach (var (name, watchers) in _watchers.ToList())
            {
                if (topic is not null && name != topic) continue;
                if (watchers.Remove(watcher) && watchers.Count == 0)
                {
                    _watchers.Remove(name);
                    _lastTold.Remove(name);
                    orphaned.Add(name);
                }
            }
        }
        return orphaned;
    }

    public bool HasWatchers(string topic)
    {
        lock (_gate) return _watchers.ContainsKey(topic);
    }

    /// <summary>Tells the topic's watchers its members, if they changed since they were last told.</summary>
    public void Tell(string topic, string[] members)
    {
        IActorRef[] watchers;
        MembersChanged change;
        lock (_gate)
        {
            if (!_watchers.TryGetValue(topic, out var set)) return;
            var before = _lastTold.GetValueOrDefault(topic) ?? [];
            if (before.SequenceEqual(members, StringComparer.Ordinal)) return;
            _lastTold[topic] = members;
            change = new MembersChanged(topic, members, [.. members.Except(before, StringComparer.Ordinal)], [.. before.Except(members, StringComparer.Ordinal)]);
            watchers = [.. set];
        }
        foreach (var watcher in watchers) watcher.Tell(change, ActorRefs.NoSender);
    }
}
