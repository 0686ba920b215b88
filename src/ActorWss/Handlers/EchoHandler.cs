using ActorWss.WebSocket;
using Akka;
using Akka.Streams.Dsl;

namespace ActorWss.Handlers;

/// <summary>Sends every message back unchanged: same type, same payload (no decoding, no copy).</summary>
internal sealed class EchoHandler : IMessageHandler
{
    public static EchoHandler Instance { get; } = new();

    // The identity flow adds no stage: the protocol layer's output is wired straight to its input.
    public Flow<Message, Message, NotUsed> Create(ConnectionContext context) => Flow.Create<Message>();
}
