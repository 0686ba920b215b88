using Akka.Streams;

namespace ActorWss.Tls;

/// <summary>
/// A connection's TLS observer, carried as an attribute of the connection's graph to a <see cref="TlsStage"/> that was
/// built once and is shared by many connections (one built with an observer of its own uses that one).
/// </summary>
internal sealed class TlsObserverAttribute(ITlsObserver observer) : Attributes.IAttribute
{
    public ITlsObserver Observer { get; } = observer;
}
