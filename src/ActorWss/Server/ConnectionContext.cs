using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Http;
using ActorWss.WebSocket;
using Akka.Streams;

namespace ActorWss.Server;

/// <summary>
/// What the layers of one connection learn about it and share, in the order they learn it: the TLS stage sets the
/// client certificate when its handshake is done, the HTTP stage the upgrade (route, user, subprotocol) before the
/// 101 is written; the protocol and handler stages read them afterwards. All of them run in the connection's one
/// fused stream island, so these writes happen before the reads on the same thread, or across an async callback.
/// It reaches the stages as a stream attribute of the connection's graph, so that the stages themselves (blueprints) are
/// built once per listener and shared: Akka.Streams keeps every stage object of a running graph, with its module, for
/// the life of the connection, and per-connection stage objects cost an idle connection about 4 KiB.
/// </summary>
internal sealed class ConnectionContext(string listener, EndPoint remote, TimeSpan? closeTimeout = null) : Attributes.IAttribute
{
    public string Listener { get; } = listener;

    /// <summary>How long a closing connection waits for its peer (<c>actorwss.websocket.close-timeout</c>).</summary>
    public TimeSpan CloseTimeout { get; } = closeTimeout ?? TimeSpan.FromSeconds(5);

    public EndPoint Remote { get; } = remote;

    /// <summary>The client's TLS certificate (mTLS); null on ws:// or when none was presented.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>Set by the HTTP stage when it accepts the upgrade, before the 101 is written.</summary>
    public Upgraded? Upgrade { get; set; }

    /// <summary>The protocol layer's handle: closes the WebSocket, tells how it closed, carries the route's message limit.</summary>
    public WebSocketControl Control { get; } = new();
}
