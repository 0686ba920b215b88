using ActorWss.Configuration;
using Akka.Actor;

namespace ActorWss.Transport;

/// <summary>The one place that picks the transport (<c>actorwss.transport.kind</c>).</summary>
internal static class TransportFactory
{
    public static IServerTransport Create(ActorSystem system, TransportSettings settings) => settings.Kind switch
    {
        TransportKind.Socket => new SocketTransport(settings),
        TransportKind.AkkaStreamsTcp => new AkkaStreamsTcpTransport(system, settings.SendTimeout),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "unknown transport"),
    };
}
