using ActorWss.WebSocket;
using Akka.Actor;

namespace ActorWss.Connections;

/// <summary>
/// Base class of connection actors: one instance per WebSocket connection, created when the handshake is done.
/// It receives <see cref="Connected"/> first, then every <see cref="Message"/> from the client (with
/// <see cref="ActorBase.Sender"/> set to the connection), then <see cref="Closed"/>, and is stopped after that.
/// <para>
/// Each client message is acknowledged when the actor's handler for it returns, and the connection reads the next
/// one only then: a slow actor slows its own client's reads (TCP back-pressure), and no more than one message
/// waits in its mailbox. A handler that throws closes the connection with 1011 (the actor is stopped, not
/// restarted: a restarted actor would have lost its state of the conversation); stopping the actor closes it with
/// 1000. Replies and pushes go through the connection's bounded outbound queue (the route's overflow policy).
/// </para>
/// <para>
/// Handling <see cref="Connected"/> and <see cref="Closed"/> is optional: an actor without a handler for them does not
/// report them as unhandled (no dead-letter log line per connection). Any other message it does not handle is.
/// </para>
/// </summary>
public abstract class WebSocketActor : ReceiveActor
{
    private ConnectionInfo? _info;

    /// <summary>The connection this actor serves; available from <see cref="Connected"/> on.</summary>
    protected ConnectionInfo Info => _info ?? throw new InvalidOperationException("Info is available from the Connected message on");

    /// <summary>The connection: tell it messages to send, or <see cref="CloseConnection"/>.</summary>
    protected IActorRef Connection => Info.Connection;

    /// <summary>Sends a message to this actor's client (through the route's outbound queue).</summary>
    protected void Send(Message message) => Connection.Tell(message, Self);

    /// <summary>Sends a text message to this actor's client.</summary>
    protected void Send(string text) => Send(Message.Text(text));

    /// <summary>Starts the closing handshake with <paramref name="code"/> (RFC 6455 §7.1.2).</summary>
    protected void Close(ushort code = CloseStatus.Normal, string reason = "") => Connection.Tell(new CloseConnection(code, reason), Self);

    protected override bool AroundReceive(Receive receive, object message)
    {
        switch (message)
        {
            case InboundDelivery delivery:
                var connection = Sender;
                try
                {
                    return base.AroundReceive(receive, delivery.Message);
                }
                finally
                {
                    connection.Tell(InboundAck.Instance, ActorRefs.NoSender);
                }
            case Connected connected:
                _info = connected.Info;
                break;
        }
        return base.AroundReceive(receive, message);
    }

    protected override void Unhandled(object message)
    {
        if (message is Connected or Closed) return;
        base.Unhandled(message);
    }
}
