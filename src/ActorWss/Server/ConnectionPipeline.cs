using ActorWss.Configuration;
using ActorWss.Handlers;
using ActorWss.Http;
using ActorWss.WebSocket;
using Akka.IO;
using Akka.Streams.Dsl;

namespace ActorWss.Server;

/// <summary>What a materialized connection pipeline hands back to its actor.</summary>
public sealed record ConnectionHandles(Task<HandshakeOutcome> Handshake, WebSocketControl WebSocket);

/// <summary>
/// Composes the layers of one connection, network side first (the TCP flow joins on the left, the handler on the
/// right):
/// <code>
///   handshake (HTTP/1.1 upgrade)  atop  framing (§5.2)  atop  protocol (§5-§8)  join  handler
/// </code>
/// One instance per listener; <see cref="Create"/> builds a fresh graph per connection.
/// </summary>
public sealed class ConnectionPipeline(ServerSettings settings, IRequestRouter router, IMessageHandler handler)
{
    public Flow<ByteString, ByteString, ConnectionHandles> Create(ConnectionContext context)
    {
        var stack = Handshake.Create(settings.Http, router)
            .AtopMat(WebSocketFraming.Create(), (handshake, _) => handshake)
            .AtopMat(WebSocketProtocol.Create(settings.WebSocket), (handshake, control) => new ConnectionHandles(handshake, control));
        return stack.JoinMat(handler.Create(context), Keep.Left);
    }

    /// <summary>For connections the listener will not serve: read the request, answer 503, close.</summary>
    public Flow<ByteString, ByteString, Task<HandshakeOutcome>> CreateRefusal(RefusingRouter refusal) =>
        Handshake.Create(settings.Http, refusal).Join(Flow.Create<ByteString>());
}
