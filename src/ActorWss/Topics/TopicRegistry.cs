using System.Collections.Concurrent;
using ActorWss.Connections;
using ActorWss.WebSocket;
using Akka.Actor;

namespace ActorWss.Topics;

/// <summary>
/// The topics of this node: who is subscribed to what, and publishing to them. A publish tells every subscriber from
/// the publisher's own thread, so each subscriber gets one publisher's messages in the order published; every
/// subscriber gets the same <see cref="Message"/> instance, whose frame is rendered once for all of them.
/// Subscribers that stop are removed by <see cref="SubscriberWatcher"/>; connections that close remove themselves.
/// </summary>
internal sealed class TopicRegistry
{
    private readonly ConcurrentDictionary<string, Topic> _topics = new(StringComparer.Ordinal);

    /// <summary>Each subscriber's topics, with the name it is present under in each (null: not present).</summary>
    private readonly ConcurrentDictionary<IActorRef, Dictionary<string, string?>> _bySubscriber = new();
    private long _published, _delivered;

    /// <summary>Called with a subscriber the first time it subscribes to anything (to be watched).</summary>
    public Action<IActorRef>? OnFirstSubscription { get; set; }

    /// <summary>
    /// Called when a topic gains a subscriber on this node (true) or loses its last (false). Both can race with the
    /// opposite one: the receiver checks <see cref="CountSubscribers"/> (the cluster relay does, on its own thread).
    /// </summary>
    public Action<string, bool>? OnTopicActive { get; set; }

    public PresenceRegistry Presence { get; } = new();

    public long Published => Interlocked.Read(ref _published);

    public long Delivered => Interlocked.Read(ref _delivered);

    public int TopicCount => _topics.Count;

    public int SubscriptionCount => _bySubscriber.Values.Sum(topics => { lock (topics) return topics.Count; });

    /// <summary>The topics with subscribers on this node.</summary>
    public IReadOnlyCollection<string> ActiveTopics => [.. _topics.Keys];

    /// <summary>Subscribes; with <paramref name="presence"/>, the subscriber is also present in the topic under that name.</summary>
    public void Subscribe(string topic, IActorRef subscriber, string? presence = null)
    {
        bool added;
        Topic current;
        while (true)
        {
            current = _topics.GetOrAdd(topic, name => new Topic(name));
            if (current.TryAdd(subscriber, out added)) break;
            _topics.TryRemove(new KeyValuePair<string, Topic>(topic, current)); // it lost its last member meanwhile: a new one
        }
        if (!added) return;
        OnTopicActive?.Invoke(topic, true);
        bool first = false;
        var topics = _bySubscriber.GetOrAdd(subscriber, _ =>
        {
            first = true;
            return new Dictionary<string, string?>(StringComparer.Ordinal);
        });
        lock (topics) topics[topic] = presence;
        if (presence is not null) Presence.Join(topic, presence);
        if (first) OnFirstSubscription?.Invoke(subscriber);
    }

    public void Unsubscribe(string topic, IActorRef subscriber)
    {
        string? presence = null;
        bool was = false;
        if (_bySubscriber.TryGetValue(subscriber, out var topics))
            lock (topics) was = topics.Remove(topic, out presence);
        if (_topics.TryGetValue(topic, out var existing)) Leave(existing, subscriber);
        if (was && presence is not null) Presence.Leave(topic, presence);
    }

    /// <summary>Removes <paramref name="subscriber"/> from every topic (it stopped, or its connection closed).</summary>
    public void RemoveSubscriber(IActorRef subscriber)
    {
        if (!_bySubscriber.TryRemove(subscriber, out var topics)) return;
        KeyValuePair<string, string?>[] subscriptions;
        lock (topics) subscriptions = [.. topics];
        foreach (var (name, presence) in subscriptions)
        {
            if (_topics.TryGetValue(name, out var topic)) Leave(topic, subscriber);
            if (presence is not null) Presence.Leave(name, presence);
        }
    }

    public int Publish(string topic, Message message, IActorRef? except)
    {
        Interlocked.Increment(ref _published);
        return Deliver(new Published(topic, message) { Except = except });
    }

    /// <summary>Hands a published message to this node's subscribers of its topic (a local publish, or one from another node).</summary>
    public int Deliver(Published published)
    {
        var except = published.Except;
        if (!_topics.TryGetValue(published.Topic, out var subscribers)) return 0;
        int delivered = 0;
        foreach (var subscriber in subscribers.Members())
        {
            if (subscriber.Equals(except)) continue;
            subscriber.Tell(published, ActorRefs.NoSender);
            delivered++;
        }
        Interlocked.Add(ref _delivered, delivered);
        return delivered;
    }

    public int CountSubscribers(string topic) => _topics.TryGetValue(topic, out var subscribers) ? subscribers.Count : 0;

    private void Leave(Topic topic, IActorRef subscriber)
    {
        if (!topic.Remove(subscriber, out bool retired) || !retired) return;
        if (_topics.TryRemove(new KeyValuePair<string, Topic>(topic.Name, topic))) OnTopicActive?.Invoke(topic.Name, false);
    }
}
