using ActorWss.Configuration;
using ActorWss.Transport.EventLoops;
using Akka.Actor;

namespace ActorWss.Transport;

/// <summary>The one place that picks the transport (<c>actorwss.transport.kind</c>).</summary>
internal static class TransportFactory
{
    public static IServerTransport Create(ActorSystem system, TransportSettings settings) => settings.Kind switch
    {
        TransportKind.Auto when Epoll.IsSupported => new EventLoopTransport(settings),
        TransportKind.Auto => new SocketTransport(settings),
        TransportKind.EventLoop when Epoll.IsSupported => new EventLoopTransport(settings),
        TransportKind.EventLoop => throw new InvalidConfigurationException(
            "actorwss.transport.kind: 'event-loop' needs Linux on x86-64 or arm64 (epoll); use socket or auto"),
        TransportKind.Socket => new SocketTransport(settings),
        TransportKind.AkkaStreamsTcp => new AkkaStreamsTcpTransport(system, settings.SendTimeout),
        _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Kind, "unknown transport"),
    };
}
