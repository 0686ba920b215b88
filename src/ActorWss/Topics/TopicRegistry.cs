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
    private readonly ConcurrentDictionary<IActorRef, HashSet<string>> _bySubscriber = new();
    private long _published, _delivered;

    /// <summary>Called with a subscriber the first time it subscribes to anything (to be watched).</summary>
    public Action<IActorRef>? OnFirstSubscription { get; set; }

    public long Published => Interlocked.Read(ref _published);

    public long Delivered => Interlocked.Read(ref _delivered);

    public int TopicCount => _topics.Count;

    public int SubscriptionCount => _bySubscriber.Values.Sum(topics => { lock (topics) return topics.Count; });

    public void Subscribe(string topic, IActorRef subscriber)
    {
        bool added;
        while (true)
        {
            var current = _topics.GetOrAdd(topic, name => new Topic(name));
            if (current.TryAdd(subscriber, out added)) break;
            _topics.TryRemove(new KeyValuePair<string, Topic>(topic, current)); // it lost its last member meanwhile: a new one
        }
        if (!added) return;
        bool first = false;
        var topics = _bySubscriber.GetOrAdd(subscriber, _ =>
        {
            first = true;
            return [];
        });
        lock (topics) topics.Add(topic);
        if (first) OnFirstSubscription?.Invoke(subscriber);
    }

    public void Unsubscribe(string topic, IActorRef subscriber)
    {
        if (_topics.TryGetValue(topic, out var existing)) Leave(existing, subscriber);
        if (_bySubscriber.TryGetValue(subscriber, out var topics))
            lock (topics) topics.Remove(topic);
    }

    /// <summary>Removes <paramref name="subscriber"/> from every topic (it stopped, or its connection closed).</summary>
    public void RemoveSubscriber(IActorRef subscriber)
    {
        if (!_bySubscriber.TryRemove(subscriber, out var topics)) return;
        string[] names;
        lock (topics) names = [.. topics];
        foreach (var name in names)
            if (_topics.TryGetValue(name, out var topic)) Leave(topic, subscriber);
    }

    public int Publish(string topic, Message message, IActorRef? except)
    {
        Interlocked.Increment(ref _published);
        if (!_topics.TryGetValue(topic, out var subscribers)) return 0;
        var published = new Published(topic, message) { Except = except };
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
        topic.Remove(subscriber, out bool retired);
        if (retired) _topics.TryRemove(new KeyValuePair<string, Topic>(topic.Name, topic));
    }
}
