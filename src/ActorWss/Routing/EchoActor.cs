using ActorWss.Connections;
using ActorWss.WebSocket;
using Akka.Actor;

namespace ActorWss.Routing;

/// <summary>The built-in <c>echo-actor</c> handler: echo through a connection actor (the benchmark's actor path).</summary>
internal sealed class EchoActor : WebSocketActor
{
    public EchoActor() => Receive<Message>(message => Sender.Tell(message, Self));
}
