using ActorWss.Connections;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Event;

namespace ActorWss.Cluster;

/// <summary>
/// This node's end of the hub across the cluster, on DistributedPubSub: it subscribes to the cluster topics this node
/// has local interest in (a topic with local subscribers, a user with local connections, and this node's own id tag)
/// and hands what other nodes publish there to the local registries. What this node publishes it delivers to its own
/// subscribers directly and tells the mediator for the others; the copy that comes back here is ignored by its origin.
/// </summary>
internal sealed class ClusterRelay : ReceiveActor
{
    /// <summary>A topic's local subscribers changed; <paramref name="Active"/> says which way (checked against the registry).</summary>
    public sealed record TopicActivity(string Topic, bool Active);

    public sealed record UserActivity(string User, bool Active);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly WebSocketHub _hub;
    private readonly IActorRef _mediator;
    private readonly string _origin;
    private readonly HashSet<string> _topics = new(StringComparer.Ordinal);
    private readonly HashSet<string> _users = new(StringComparer.Ordinal);

    public ClusterRelay(WebSocketHub hub, IActorRef mediator, string origin, string nodeTag)
    {
        _hub = hub;
        _mediator = mediator;
        _origin = origin;
        _mediator.Tell(new Subscribe(ClusterNames.Node(nodeTag), Self));

        Receive<TopicActivity>(activity => Follow(_topics, ClusterNames.Topic(activity.Topic), activity.Topic,
            _hub.Topics.CountSubscribers(activity.Topic) > 0));
        Receive<UserActivity>(activity => Follow(_users, ClusterNames.User(activity.User), activity.User,
            _hub.Connections.OfUser(activity.User).Length > 0));
        Receive<TopicDelivery>(delivery =>
        {
            if (delivery.Origin != _origin) _hub.Topics.Deliver(new Published(delivery.Topic, delivery.Message) { Except = delivery.Except });
        });
        Receive<UserDelivery>(delivery =>
        {
            if (delivery.Origin == _origin) return;
            foreach (var connection in _hub.Connections.OfUser(delivery.User)) connection.Tell(delivery.Message, ActorRefs.NoSender);
        });
        Receive<ConnectionDelivery>(delivery => _hub.DeliverLocally(delivery));
        Receive<SubscribeAck>(_ => { });
        Receive<UnsubscribeAck>(_ => { });
    }

    /// <summary>Subscribes to (or leaves) a cluster topic so that it matches this node's interest now.</summary>
    private void Follow(HashSet<string> followed, string clusterTopic, string key, bool interested)
    {
        if (interested && followed.Add(key)) _mediator.Tell(new Subscribe(clusterTopic, Self));
        else if (!interested && followed.Remove(key)) _mediator.Tell(new Unsubscribe(clusterTopic, Self));
    }

    public static Props Props(WebSocketHub hub, IActorRef mediator, string origin, string nodeTag) =>
        Akka.Actor.Props.Create(() => new ClusterRelay(hub, mediator, origin, nodeTag));
}

/// <summary>The DistributedPubSub topics ActorWss uses (prefixed, so they do not meet an application's own).</summary>
internal static class ClusterNames
{
    public static string Topic(string topic) => "actorwss.topic." + topic;

    public static string User(string user) => "actorwss.user." + user;

    public static string Node(string tag) => "actorwss.node." + tag;
}
