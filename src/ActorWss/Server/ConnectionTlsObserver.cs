using ActorWss.Tls;

namespace ActorWss.Server;

/// <summary>The listener's TLS metrics for one connection, which also hands the client certificate to the connection's other layers.</summary>
internal sealed class ConnectionTlsObserver(ITlsObserver listener, ConnectionContext context) : ITlsObserver
{
    public void OnStep(TlsStepKind kind, int bytes, bool offloaded) => listener.OnStep(kind, bytes, offloaded);

    public void OnOffloadQueue(int delta) => listener.OnOffloadQueue(delta);

    public void OnHandshake(TlsOutcome outcome)
    {
        if (outcome is TlsEstablished established) context.ClientCertificate = established.PeerCertificate;
        listener.OnHandshake(outcome);
    }

    public void OnSessionError(TlsFailed failure) => listener.OnSessionError(failure);

    public void OnPeerClosed(TlsPeerClose how) => listener.OnPeerClosed(how);
}
