using System.Security.Authentication;
using System.Security.Cryptography;

namespace ActorWss.Tls;

/// <summary>
/// Sorts the exceptions an SslStream throws into <see cref="TlsFailureKind"/>s, by type and error code (never by
/// message text, which changes between .NET and OpenSSL versions), and says what happened in words for the log.
/// </summary>
internal static class TlsFailures
{
    /// <summary>OpenSSL 3 error codes are <c>(library &lt;&lt; 23) | reason</c>; its TLS library is 20 (ERR_LIB_SSL).</summary>
    private const int OpenSslLibraryShift = 23;
    private const int OpenSslReasonMask = 0x7FFFFF;
    private const int OpenSslTlsLibrary = 20;

    /// <summary>OpenSSL reports an alert received from the peer as reason 1000 + the alert (SSL_AD_REASON_OFFSET).</summary>
    private const int ReceivedAlertOffset = 1000;

    /// <param name="inputEnded">The network input had ended when the session failed.</param>
    /// <param name="certificateRejected">Our certificate validation refused the peer's certificate.</param>
    public static TlsFailureKind Classify(Exception error, bool inputEnded, bool certificateRejected) => error switch
    {
        _ when certificateRejected => TlsFailureKind.Certificate,
        ObjectDisposedException => TlsFailureKind.ConnectionFailed,
        _ when ReceivedAlert(error) is { } alert && IsCertificateAlert(alert) => TlsFailureKind.Certificate,
        // SslStream's own end-of-stream error has no inner exception; one from OpenSSL has.
        IOException { InnerException: null } when inputEnded => TlsFailureKind.PeerClosed,
        _ => TlsFailureKind.Protocol,
    };

    /// <summary>The alert the peer sent, when OpenSSL failed because of one.</summary>
    public static int? ReceivedAlert(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is not CryptographicException || e.HResult >> OpenSslLibraryShift != OpenSslTlsLibrary) continue;
            int reason = e.HResult & OpenSslReasonMask;
            if (reason is >= ReceivedAlertOffset and < ReceivedAlertOffset + 256) return reason - ReceivedAlertOffset;
        }
        return null;
    }

    /// <summary>
    /// RFC 8446 §6.2: bad_certificate (42), unsupported_certificate (43), certificate_revoked (44),
    /// certificate_expired (45), certificate_unknown (46), unknown_ca (48), certificate_required (116).
    /// </summary>
    private static bool IsCertificateAlert(int alert) => alert is >= 42 and <= 46 or 48 or 116;

    /// <summary>The exception in words: its message and its inner one's (OpenSSL's reason is there).</summary>
    public static string Describe(Exception error) => error switch
    {
        AuthenticationException or IOException => error.InnerException is { } inner ? $"{error.Message} ({Innermost(inner).Message})" : error.Message,
        ObjectDisposedException => "session disposed",
        _ => error.GetType().Name + ": " + error.Message,
    };

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is { } inner) error = inner;
        return error;
    }
}
