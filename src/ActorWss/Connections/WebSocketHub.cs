using ActorWss.Topics;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.Event;
using Akka.Streams.Implementation.Fusing;

namespace ActorWss.Connections;

/// <summary>
/// Sending to connections from anywhere in the actor system: to one connection by id, to every connection of a user,
/// or to every subscriber of a topic. Every send is fire-and-forget and never throws: a send to a connection that
/// does not exist (any more) does nothing, and is counted (<c>/metrics</c>). Each connection takes what is sent to it
/// through its bounded outbound queue, under its route's overflow policy, so a slow client never holds up a sender.
/// <code>var hub = WebSocketHub.Get(Context.System);</code>
/// </summary>
public sealed class WebSocketHub : IExtension
{
    private readonly ConnectionRegistry _connections = new();
    private readonly TopicRegistry _topics = new();
    private long _sentToMissing, _sentToClosed;

    internal WebSocketHub(ExtendedActorSystem system)
    {
        var watcher = system.SystemActorOf(Props.Create(() => new SubscriberWatcher(_topics)), "actorwss-topic-subscribers");
        _topics.OnFirstSubscription = subscriber => watcher.Tell(new SubscriberWatcher.Watch(subscriber));
        var deadLetters = system.SystemActorOf(Props.Create(() => new DeadLetterCounter(this)), "actorwss-dead-letters");
        // The stream's async input is marked not to be logged as a dead letter: it is published as a suppressed one.
        system.EventStream.Subscribe(deadLetters, typeof(AllDeadLetters));
    }

    /// <summary>The hub of <paramref name="system"/>.</summary>
    public static WebSocketHub Get(ActorSystem system) => system.WithExtension<WebSocketHub, WebSocketHubProvider>();

    /// <summary>Sends <paramref name="message"/> to the connection with this id (<see cref="ConnectionInfo.Id"/>).</summary>
    public void Send(string connectionId, Message message)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(message);
        if (_connections.Find(connectionId) is { } connection) connection.Tell(message, ActorRefs.NoSender);
        else Interlocked.Increment(ref _sentToMissing);
    }

    /// <summary>Sends <paramref name="message"/> to every open connection of the user with this name (<see cref="ConnectionInfo.UserName"/>).</summary>
    public void SendToUser(string userName, Message message)
    {
        ArgumentNullException.ThrowIfNull(userName);
        ArgumentNullException.ThrowIfNull(message);
        var connections = _connections.OfUser(userName);
        if (connections.Length == 0) Interlocked.Increment(ref _sentToMissing);
        foreach (var connection in connections) connection.Tell(message, ActorRefs.NoSender);
    }

    /// <summary>Closes the connection with this id with <paramref name="code"/> (RFC 6455 §7.4).</summary>
    public void Close(string connectionId, ushort code = CloseStatus.Normal, string reason = "")
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        _connections.Find(connectionId)?.Tell(new CloseConnection(code, reason), ActorRefs.NoSender);
    }

    /// <summary>
    /// Subscribes <paramref name="subscriber"/> to <paramref name="topic"/>: a connection (<see cref="ConnectionInfo.Connection"/>)
    /// sends what is published to its client; any other actor receives <see cref="Published"/>. A subscriber that stops
    /// (or a connection that closes) leaves its topics by itself.
    /// </summary>
    public void Subscribe(string topic, IActorRef subscriber)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(subscriber);
        _topics.Subscribe(topic, subscriber);
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
    /// published; the message is framed once for all of them.
    /// </summary>
    public void Publish(string topic, Message message, IActorRef? except = null)
    {
        ArgumentNullException.ThrowIfNull(topic);
        ArgumentNullException.ThrowIfNull(message);
        _topics.Publish(topic, message, except);
    }

    /// <summary>How many subscribers <paramref name="topic"/> has on this node.</summary>
    public int SubscriberCount(string topic) => _topics.CountSubscribers(topic);

    internal TopicRegistry Topics => _topics;

    internal ConnectionRegistry Connections => _connections;

    /// <summary>Sends by id or user that found no connection.</summary>
    internal long SentToMissing => Interlocked.Read(ref _sentToMissing);

    /// <summary>Messages told to a connection after its stream had ended (dead letters).</summary>
    internal long SentToClosed => Interlocked.Read(ref _sentToClosed);

    internal void Register(ConnectionInfo info) => _connections.Register(info);

    internal void Unregister(ConnectionInfo info)
    {
        _connections.Unregister(info);
        _topics.RemoveSubscriber(info.Connection);
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
