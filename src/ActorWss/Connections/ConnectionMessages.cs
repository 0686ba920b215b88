using ActorWss.WebSocket;

namespace ActorWss.Connections;

/// <summary>The first message a connection actor receives: the connection is open (the client has its 101).</summary>
public sealed record Connected(ConnectionInfo Info);

/// <summary>
/// The last message a connection actor receives: the WebSocket has closed (RFC 6455 §7.1.4). The actor is stopped
/// after it. <paramref name="Code"/> is the status of the side that closed first (1006: the connection broke off
/// without a Close frame); <paramref name="ByPeer"/> says whether that side was the client.
/// </summary>
public sealed record Closed(ushort Code, string Reason, bool ByPeer);

/// <summary>
/// Tell a connection (<see cref="ConnectionInfo.Connection"/>) to close with this status (RFC 6455 §7.4). The messages
/// sent to it before are delivered first; messages sent after are dropped. A client that does not read them within
/// <c>actorwss.websocket.close-timeout</c> gets the Close anyway.
/// </summary>
public sealed record CloseConnection(ushort Code = CloseStatus.Normal, string Reason = "");

/// <summary>
/// A message published on a topic (<see cref="WebSocketHub.Publish"/>). Connections send <see cref="Message"/> to
/// their client; any other actor subscribed to the topic receives this.
/// </summary>
public sealed record Published(string Topic, Message Message)
{
    /// <summary>The subscriber that does not get it (typically the publishing connection itself).</summary>
    internal Akka.Actor.IActorRef? Except { get; init; }
}
