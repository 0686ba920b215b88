using System.Net;
using ActorWss.Http;
using ActorWss.WebSocket;
using Akka;
using Akka.Streams.Dsl;

namespace ActorWss.Handlers;

/// <summary>What a handler knows about the connection it serves.</summary>
/// <param name="Listener">The listener's name from configuration.</param>
/// <param name="Remote">The peer's address.</param>
/// <param name="Handshake">Completes with the upgrade request (path, headers, subprotocol) once the handshake is done.</param>
internal sealed record ConnectionContext(string Listener, EndPoint Remote, Task<HandshakeOutcome> Handshake);

/// <summary>
/// The application end of a connection: a flow from the messages received to the messages to send. Completing
/// the output closes the connection normally (1000); failing it closes with 1011. The flow is materialized once
/// per connection, inside the connection's stream.
/// </summary>
internal interface IMessageHandler
{
    Flow<Message, Message, NotUsed> Create(ConnectionContext context);
}
