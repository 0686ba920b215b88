using ActorWss.Cluster;
using ActorWss.Topics;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;
using Akka.Streams.Implementation.Fusing;

namespace ActorWss.Connections;

/// <summary>
/// Sending to connections from anywhere in the actor system: to one connection by id, to every connection of a user,
/// or to every subscriber of a topic; and who is present in a topic. Every send is fire-and-forget and never throws: a
/// send to a connection that does not exist (any more) does nothing, and is counted (<c>/metrics</c>). Each connection
/// takes what is sent to it through its bounded outbound queue, under its route's overflow policy, so a slow client
/// never holds up a sender.
/// <para>
/// With clustering on (<c>actorwss.cluster.enabled</c>) all of it spans the cluster: topics and send-to-user reach
/// every node through Akka's DistributedPubSub, send-by-id reaches the node that holds the connection, presence is
/// replicated with Akka.DistributedData. A message published on one node reaches every subscriber once, in order per
/// publisher; subscriptions made on another node become visible after a gossip round (a fraction of a second).
/// </para>
/// <code>var hub = WebSocketHub.Get(Context.System);</code>
/// </summary>
public sealed class WebSocketHub : IExtension
{
    private readonly ExtendedActorSystem _system;
    private readonly ConnectionRegistry _connections = new();
    private readonly ConnectionIds _ids = new();
    private readonly TopicRegistry _topics = new();
    private readonly IActorRef _watcher;
    private ClusterPorts? _cluster;
    private long _sentToMissing, _sentToClosed;

    /// <summary>The cluster's actors, once clustering is on.</summary>
    private sealed record ClusterPorts(IActorRef Mediator, IActorRef Relay, IActorRef Presence, string Origin);

    internal WebSocketHub(ExtendedActorSystem system)
    {
        _system = system;
        _watcher = system.SystemActorOf(Props.Create(() => new SubscriberWatcher(this)), "actorwss-topic-subscribers");
        _topics.OnFirstSubscription = subscriber => _watcher.Tell(new SubscriberWatcher.Watch(subscriber));
        _topics.Presence.OnFirstWatch = watcher => _watcher.Tell(new SubscriberWatcher.Watch(watcher));
        var deadLetters = system.SystemActorOf(Props.Create(() => new DeadLetterCounter(this)), "actorwss-dead-letters");
        // The stream's async input is marked not to be logged as a dead letter: it is published as a suppressed one.
        system.EventStream.Subscribe(deadLetters, typeof(AllDeadLetters));
    }

    /// <summary>The hub of <paramref name="system"/>.</summary>
    public static WebSocketHub Get(ActorSystem system) => system.WithExtension<WebSocketHub, WebSocketHubProvider>();

    /// <summary>Sends <paramref name="message"/> to the connection with this id (<see cref="ConnectionInfo.Id"/>), on whichever node it is.</summary>
    public void Send(string connectionId, Message message)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(message);
        ToConnection(connectionId, message, CloseStatus.Normal, "");
    }

    /// <summary>Sends <paramref name="message"/> to every open connection of the user with this name (<see cref="ConnectionInfo.UserName"/>), on every node.</summary>
    public void SendToUser(string userName, Message message)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(message);
        var connections = _connections.OfUser(userName);
        foreach (var connection in connections) connection.Tell(message, ActorRefs.NoSender);
        if (_cluster is { } cluster) cluster.Mediator.Tell(new Publish(ClusterNames.User(userName), new UserDelivery(userName, message, cluster.Origin)));
        else if (connections.Length == 0) Interlocked.Increment(ref _sentToMissing);
    }

    /// <summary>Closes the connection with this id with <paramref name="code"/> (RFC 6455 §7.4), after what was sent to it before.</summary>
    public void Close(string connectionId, ushort code = CloseStatus.Normal, string reason = "")
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(reason);
        ToConnection(connectionId, null, code, reason);
    }

    /// <summary>
    /// Subscribes <paramref name="subscriber"/> to <paramref name="topic"/>: a connection (<see cref="ConnectionInfo.Connection"/>)
    /// sends what is published to its client; any other actor receives <see cref="Published"/>. With
    /// <paramref name="presence"/>, the subscriber is also present in the topic under that name
    /// (<see cref="GetMembersAsync"/>, <see cref="WatchMembers"/>) until it leaves. A subscriber that stops (or a
    /// connection that closes) leaves its topics by itself.
    /// </summary>
    public void Subscribe(string topic, IActorRef subscriber, string? presence = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(subscriber);
        _topics.Subscribe(topic, subscriber, presence);
    }

    public void Unsubscribe(string topic, IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(subscriber);
        _topics.Unsubscribe(topic, subscriber);
    }

    /// <summary>
    /// Sends <paramref name="message"/> to every subscriber of <paramref name="topic"/> but <paramref name="except"/>
    /// (e.g. the publishing connection itself). Each subscriber gets one publisher's messages in the order they were
    /// published; the message is framed once for all of this node's subscribers.
    /// </summary>
    public void Publish(string topic, Message message, IActorRef? except = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(message);
        _topics.Publish(topic, message, except);
        _cluster?.Mediator.Tell(new Publish(ClusterNames.Topic(topic), new TopicDelivery(topic, message, except, _cluster.Origin)));
    }

    /// <summary>How many subscribers <paramref name="topic"/> has on this node.</summary>
    public int SubscriberCount(string topic) => _topics.CountSubscribers(topic);

    /// <summary>The names present in <paramref name="topic"/>, on every node, sorted. In a cluster it reads a majority of
    /// the nodes (so a name that any node has already seen is included), else, after 3 s, this node's replica.</summary>
    public Task<IReadOnlyList<string>> GetMembersAsync(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (_cluster is not { } cluster) return Task.FromResult<IReadOnlyList<string>>(_topics.Presence.LocalMembers(topic));
        return cluster.Presence.Ask<string[]>(new PresenceReplicator.GetMembers(topic), TimeSpan.FromSeconds(10))
            .ContinueWith(t => (IReadOnlyList<string>)t.Result, TaskContinuationOptions.ExecuteSynchronously);
    }

    /// <summary>
    /// <paramref name="watcher"/> receives <see cref="MembersChanged"/> whenever who is present in <paramref name="topic"/>
    /// changes (at once, the current members), until it unwatches or stops.
    /// </summary>
    public void WatchMembers(string topic, IActorRef watcher)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(watcher);
        if (_cluster is { } cluster)
        {
            // The replicated view answers first (and then on every change); the snapshot here starts the watcher off.
            if (_topics.Presence.Watch(topic, watcher, _topics.Presence.LocalMembers(topic)))
                cluster.Presence.Tell(new PresenceReplicator.Follow(topic, true));
        }
        else _topics.Presence.Watch(topic, watcher, _topics.Presence.LocalMembers(topic));
    }

    public void UnwatchMembers(string topic, IActorRef watcher)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(watcher);
        Unwatch(topic, watcher);
    }

    internal TopicRegistry Topics => _topics;

    internal ConnectionRegistry Connections => _connections;

    /// <summary>Sends by id or user that found no connection.</summary>
    internal long SentToMissing => Interlocked.Read(ref _sentToMissing);

    /// <summary>Messages told to a connection after its stream had ended (dead letters).</summary>
    internal long SentToClosed => Interlocked.Read(ref _sentToClosed);

    internal bool IsClustered => _cluster is not null;

    /// <summary>A new connection's id (this node's tag and a counter).</summary>
    internal string NewConnectionId() => _ids.Next();

    internal void Register(ConnectionInfo info) => _connections.Register(info);

    internal void Unregister(ConnectionInfo info)
    {
        _connections.Unregister(info);
        _topics.RemoveSubscriber(info.Connection);
        Unwatch(null, info.Connection);
    }

    /// <summary>A subscriber or watcher stopped.</summary>
    internal void RemoveActor(IActorRef actor)
    {
        _topics.RemoveSubscriber(actor);
        Unwatch(null, actor);
    }

    /// <summary>
    /// Turns on the cluster-wide hub (once per actor system): DistributedPubSub for topics, users and ids, and
    /// DistributedData for presence. The system must run Akka.Cluster.
    /// </summary>
    internal void EnableCluster()
    {
        lock (_connections)
        {
            if (_cluster is not null) return;
            var cluster = Akka.Cluster.Cluster.Get(_system);
            var origin = cluster.SelfUniqueAddress.ToString();
            var mediator = DistributedPubSub.Get(_system).Mediator;
            var relay = _system.SystemActorOf(ClusterRelay.Props(this, mediator, origin, _ids.NodeTag), "actorwss-cluster-relay");
            var presence = _system.SystemActorOf(PresenceReplicator.Props(_topics.Presence), "actorwss-presence");
            _topics.OnTopicActive = (topic, active) => relay.Tell(new ClusterRelay.TopicActivity(topic, active));
            _connections.OnUserActive = (user, active) => relay.Tell(new ClusterRelay.UserActivity(user, active));
            _topics.Presence.Replicated = true;
            _topics.Presence.OnLocalChange = (topic, name, present) => presence.Tell(new PresenceReplicator.LocalChange(topic, name, present));
            // What this node already has (in practice nothing: the hub is clustered before the listeners bind).
            foreach (var topic in _topics.ActiveTopics) relay.Tell(new ClusterRelay.TopicActivity(topic, true));
            foreach (var user in _connections.Users) relay.Tell(new ClusterRelay.UserActivity(user, true));
            foreach (var (topic, name) in _topics.Presence.LocalEntries()) presence.Tell(new PresenceReplicator.LocalChange(topic, name, true));
            _cluster = new ClusterPorts(mediator, relay, presence, origin);
        }
    }

    /// <summary>A message or close for a connection of this node, by id (from another node, or from here).</summary>
    internal void DeliverLocally(ConnectionDelivery delivery)
    {
        if (_connections.Find(delivery.ConnectionId) is not { } connection)
        {
            Interlocked.Increment(ref _sentToMissing);
            return;
        }
        connection.Tell(delivery.Message is { } message ? message : new CloseConnection(delivery.CloseCode, delivery.CloseReason), ActorRefs.NoSender);
    }

    private void ToConnection(string connectionId, Message? message, ushort closeCode, string closeReason)
    {
        var delivery = new ConnectionDelivery(connectionId, message, closeCode, closeReason);
        if (_cluster is { } cluster && ConnectionIds.TagOf(connectionId) is { } tag && tag != _ids.NodeTag)
            cluster.Mediator.Tell(new Publish(ClusterNames.Node(tag), delivery));
        else DeliverLocally(delivery);
    }

    private void Unwatch(string? topic, IActorRef watcher)
    {
        foreach (var orphaned in _topics.Presence.Unwatch(topic, watcher))
            _cluster?.Presence.Tell(new PresenceReplicator.Follow(orphaned, false));
    }

    /// <summary>
    /// A message told to a connection's address after its stream ended reaches the stream's (stopped) interpreter as
    /// a dead letter: counted here, so that a send to a closed connection is a counted no-op.
    /// </summary>
    private sealed class DeadLetterCounter : ReceiveActor
    {
        public DeadLetterCounter(WebSocketHub hub) =>
            Receive<AllDeadLetters>(dead =>
            {
                if (dead.Message is ActorGraphInterpreter.AsyncInput { Event: ValueTuple<IActorRef, object> { Item2: Message or Published or CloseConnection } })
                    Interlocked.Increment(ref hub._sentToClosed);
            });
    }
}

internal sealed class WebSocketHubProvider : ExtensionIdProvider<WebSocketHub>
{
    public override WebSocketHub CreateExtension(ExtendedActorSystem system) => new(system);
}
