using System.Security.Claims;
using Akka.Actor;

namespace ActorWss.Connections;

/// <summary>One open WebSocket connection: who it is, how it was opened, and where to send to it.</summary>
public sealed class ConnectionInfo
{
    internal ConnectionInfo(string id, WebSocketRequest request, string? subprotocol, ClaimsPrincipal? user, IActorRef connection)
    {
        Id = id;
        Request = request;
        Subprotocol = subprotocol;
        User = user;
        Connection = connection;
    }

    /// <summary>Unique among the connections of this server process, and opaque: use it with <see cref="WebSocketHub.Send"/>.</summary>
    public string Id { get; }

    /// <summary>The opening handshake: path, query, headers, cookies, client address and certificate.</summary>
    public WebSocketRequest Request { get; }

    /// <summary>The subprotocol chosen in the handshake (<c>Sec-WebSocket-Protocol</c>); null when none.</summary>
    public string? Subprotocol { get; }

    /// <summary>Who the route's authenticator accepted; null on routes without authentication.</summary>
    public ClaimsPrincipal? User { get; }

    /// <summary>The user's name (<see cref="ClaimsPrincipal.Identity"/>), the key of <see cref="WebSocketHub.SendToUser"/>; null when anonymous.</summary>
    public string? UserName => User?.Identity?.Name;

    /// <summary>
    /// The connection itself, usable from any actor: tell it a <see cref="ActorWss.WebSocket.Message"/> to send one
    /// (through the route's bounded outbound queue), or <see cref="CloseConnection"/> to close it. Telling it after the
    /// connection has closed does nothing.
    /// </summary>
    public IActorRef Connection { get; }

    public override string ToString() => $"connection {Id} ({Request})";
}
