using ActorWss.WebSocket;
using Akka.Actor;

namespace ActorWss.Connections;

/// <summary>
/// A message from the client on its way to the connection actor. <see cref="WebSocketActor"/> unwraps it, lets the
/// actor handle the message, and then acknowledges it: the connection reads the next message only after that, so a
/// slow actor slows its own client down and never queues up its messages.
/// </summary>
internal sealed record InboundDelivery(Message Message);

/// <summary>The connection actor has handled an <see cref="InboundDelivery"/>.</summary>
internal sealed class InboundAck
{
    public static readonly InboundAck Instance = new();
}

/// <summary>From the connection's supervising actor to its handler stage: the handshake is done, start serving.</summary>
internal sealed record StartConnection(ConnectionInfo Info, IActorRef? App);
