using System.Security.Authentication;
using System.Security.Cryptography;
using ActorWss.Metrics;
using ActorWss.Tls;

namespace ActorWss.Tests.Tls;

/// <summary>TLS failures are sorted by exception type and OpenSSL error code, never by message text.</summary>
public sealed class TlsFailuresTests
{
    /// <summary>What SslStream throws when OpenSSL fails: OpenSSL's error code is the innermost exception's HResult.</summary>
    private static AuthenticationException FromOpenSsl(int openSslError) =>
        new("any text", new CryptographicException("any text", new CryptographicException(openSslError)));

    public static TheoryData<string, string> Cases => new()
    {
        // error:0A000418 = ERR_LIB_SSL (20) << 23 | 1048: the peer sent alert 48, unknown_ca.
        { "peer refused our certificate: unknown_ca", nameof(TlsFailureKind.Certificate) },
        // error:0A00009F: length mismatch in a hello.
        { "malformed hello, refused by OpenSSL", nameof(TlsFailureKind.Protocol) },
        { "the peer closed mid-handshake", nameof(TlsFailureKind.PeerClosed) },
        { "an IOException from OpenSSL after the end", nameof(TlsFailureKind.Protocol) },
        { "session disposed", nameof(TlsFailureKind.ConnectionFailed) },
        { "SslStream's hello parser threw", nameof(TlsFailureKind.Protocol) },
    };

    private static (Exception Error, bool InputEnded) Case(string name) => name switch
    {
        "peer refused our certificate: unknown_ca" => (FromOpenSsl(0x0A000418), false),
        "malformed hello, refused by OpenSSL" => (FromOpenSsl(0x0A00009F), false),
        "the peer closed mid-handshake" => (new IOException("any text"), true),
        "an IOException from OpenSSL after the end" => (new IOException("any text", FromOpenSsl(0x0A000119)), true),
        "session disposed" => (new ObjectDisposedException("TlsEngine"), false),
        _ => (new ArgumentOutOfRangeException("length"), false),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Failures_are_classified_by_type_and_code(string name, string expected)
    {
        var (error, inputEnded) = Case(name);

        Assert.Equal(Enum.Parse<TlsFailureKind>(expected), TlsFailures.Classify(error, inputEnded, certificateRejected: false));
    }

    [Fact]
    public void A_certificate_our_validation_refused_is_a_certificate_failure_whatever_was_thrown()
    {
        Assert.Equal(TlsFailureKind.Certificate, TlsFailures.Classify(new AuthenticationException("any text"), false, certificateRejected: true));
    }

    [Fact]
    public void The_alert_a_peer_sent_is_read_from_the_OpenSSL_error_code()
    {
        Assert.Equal(48, TlsFailures.ReceivedAlert(FromOpenSsl(0x0A000418)));
        Assert.Null(TlsFailures.ReceivedAlert(FromOpenSsl(0x0A00009F))); // our own complaint, not the peer's alert
        Assert.Null(TlsFailures.ReceivedAlert(new IOException("Received TLS alert 48")));
    }

    [Theory]
    [InlineData(nameof(TlsFailureKind.Timeout), "timeout")]
    [InlineData(nameof(TlsFailureKind.PeerClosed), "peer-closed")]
    [InlineData(nameof(TlsFailureKind.ConnectionFailed), "connection-failed")]
    [InlineData(nameof(TlsFailureKind.Certificate), "certificate")]
    [InlineData(nameof(TlsFailureKind.Protocol), "protocol")]
    public void Each_failure_class_keeps_its_metric_label(string kind, string label)
    {
        var metrics = new ListenerMetrics("wss");

        metrics.OnHandshake(new TlsFailed(Enum.Parse<TlsFailureKind>(kind), "any reason, even one that says timeout or closed"));

        Assert.Equal(1, metrics.TlsHandshakes[label]);
    }
}
