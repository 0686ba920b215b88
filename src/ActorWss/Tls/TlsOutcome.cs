using System.Net.Security;
using System.Security.Authentication;

namespace ActorWss.Tls;

/// <summary>How a connection's TLS handshake ended; the materialized value of the TLS stage.</summary>
internal abstract record TlsOutcome;

/// <param name="ClientCertificate">The client certificate's subject, with mTLS.</param>
/// <param name="PeerCertificate">The client certificate itself, with mTLS (authenticators see it).</param>
internal sealed record TlsEstablished(
    SslProtocols Protocol,
    TlsCipherSuite CipherSuite,
    string? ApplicationProtocol,
    TimeSpan HandshakeTime,
    string? ClientCertificate,
    System.Security.Cryptography.X509Certificates.X509Certificate2? PeerCertificate = null) : TlsOutcome;

/// <summary>Why a TLS handshake failed or an established session broke: a small, fixed set (a metric label).</summary>
internal enum TlsFailureKind
{
    /// <summary>The handshake did not finish within the handshake timeout.</summary>
    Timeout,
    /// <summary>The peer closed the connection: during the handshake, or in the middle of a record.</summary>
    PeerClosed,
    /// <summary>The network failed under the session (a reset, a socket error).</summary>
    ConnectionFailed,
    /// <summary>A certificate was refused: ours by the peer (its alert said so), or the peer's by us (mTLS).</summary>
    Certificate,
    /// <summary>Anything else the peer sent that is not valid TLS: a malformed hello, a bad record, no common version.</summary>
    Protocol,
}

/// <summary>No TLS session (bad input, a timeout, the peer left during the handshake), or a session that broke.</summary>
/// <param name="Reason">For the log line: what happened, in words.</param>
internal sealed record TlsFailed(TlsFailureKind Kind, string Reason) : TlsOutcome;

/// <summary>The materialized value of the TLS stage: how the handshake went, and how the session ended.</summary>
/// <param name="Handshake">Completes when the handshake succeeds or fails.</param>
/// <param name="Error">Completes when the stage stops: null after a clean end, else why the established session broke
/// (bad record, truncation, connection reset).</param>
internal sealed record TlsSession(Task<TlsOutcome> Handshake, Task<string?> Error);
