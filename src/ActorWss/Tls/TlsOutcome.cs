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

/// <summary>No TLS session: bad input, a timeout, or the peer left during the handshake.</summary>
internal sealed record TlsFailed(string Reason) : TlsOutcome;

/// <summary>The materialized value of the TLS stage: how the handshake went, and how the session ended.</summary>
/// <param name="Handshake">Completes when the handshake succeeds or fails.</param>
/// <param name="Error">Completes when the stage stops: null after a clean end, else why the established session broke
/// (bad record, truncation, connection reset).</param>
internal sealed record TlsSession(Task<TlsOutcome> Handshake, Task<string?> Error);
