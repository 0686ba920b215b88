using ActorWss.Configuration;
using ActorWss.Connections;
using ActorWss.Http;
using ActorWss.Metrics;
using ActorWss.Tls;
using ActorWss.Transport;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorWss.Server;

/// <summary>What a materialized connection pipeline hands back to its actor.</summary>
/// <param name="Address">Completes with the connection's address (its handler stage's actor) once the stream runs.</param>
/// <param name="Tls">The TLS session's handshake and end; null on ws://.</param>
internal sealed record ConnectionHandles(Task<HandshakeOutcome> Handshake, WebSocketControl WebSocket, Task<IActorRef> Address,
    TlsSession? Tls = null);

/// <summary>
/// Composes the layers of one connection, network side first (the TCP flow joins on the left, the handler on the
/// right):
/// <code>
///   (tls | write coalescing)  atop  handshake (HTTP/1.1 upgrade, route, auth; then framing, §5.2)  atop  protocol (§5-§8)  join  handler
/// </code>
/// One instance per listener. The graph is built once, on first use, and materialized for every connection with the
/// connection's own state as attributes (<see cref="ConnectionContext"/>, its <see cref="WebSocketControl"/>, its TLS
/// observer): a running graph keeps its stage objects, so stages built per connection would stay in every idle
/// connection's memory.
/// </summary>
internal sealed class ConnectionPipeline(ServerSettings settings, TlsServerContext? tls, IRequestRouter router, ListenerMetrics metrics,
    IServerTransport transport)
{
    private Flow<ByteString, ByteString, ConnectionHandles>? _graph;

    /// <summary>The dispatcher the connection's stream must run on (the transport's); null: the default.</summary>
    public string? Dispatcher => transport.ConnectionDispatcher;

    public ListenerMetrics Metrics => metrics;

    public TimeSpan CloseTimeout => settings.WebSocket.CloseTimeout;

    public Flow<ByteString, ByteString, ConnectionHandles> Create(ConnectionContext context)
    {
        // Built on the first connection's thread; a race builds two equal graphs, and either serves.
        var graph = _graph ??= Build();
        var connection = tls is null
            ? new Attributes(context, context.Control)
            : new Attributes(context, context.Control, new TlsObserverAttribute(new ConnectionTlsObserver(metrics, context)));
        return graph.AddAttributes(connection);
    }

    private Flow<ByteString, ByteString, ConnectionHandles> Build()
    {
        // The TLS session's plaintext is always a fresh copy of its own; the socket's bytes are where the transport says so.
        bool ownsInput = tls is not null || transport.HandsOverReceivedBytes;
        var web = Handshake.Create(settings.Http, router, metrics, ownsInput: ownsInput)
            .AtopMat(WebSocketProtocol.Create(settings.WebSocket, metrics), (handshake, control) => (handshake, control));
        var handler = ConnectionHandlerFlow.Create(null, metrics);
        if (tls is not null)
            return TlsFlow.Create(tls, observer: null, settings.Transport.CorkWrites)
                .AtopMat(web, (session, layers) => (layers, session))
                .JoinMat(handler, (stack, address) => new ConnectionHandles(stack.layers.handshake, stack.layers.control, address, stack.session));
        // ws://: writes coalesce in the transport's own stage where it does that, else in a stage of their own.
        var plain = transport.CoalescesWrites ? web : WriteCoalescing.Create(settings.Transport.WriteCoalesceBytes).AtopMat(web, Keep.Right);
        return plain.JoinMat(handler, (layers, address) => new ConnectionHandles(layers.handshake, layers.control, address, null));
    }

    /// <summary>For connections the listener will not serve: read the request, answer 503, close (over TLS on wss://).</summary>
    public Flow<ByteString, ByteString, Task<HandshakeOutcome>> CreateRefusal(RefusingRouter refusal)
    {
        var http = Handshake.Create(settings.Http, refusal);
        var stack = tls is null ? http : TlsFlow.Create(tls, metrics).AtopMat(http, Keep.Right);
        // Nothing above: a refusal never upgrades, so no frame goes up or comes down.
        return stack.Join(Flow.FromSinkAndSource(Sink.Ignore<FrameEvent>(), Source.Never<OutboundFrame>(), Keep.None));
    }
}
