using ActorWss.Bench.Cli;
using ActorWss.Bench.Load;
using Xunit;

namespace ActorWss.Tests.Bench;

/// <summary>The bench's tls-floor: a real TLS 1.3 session in memory, carrying an echo's records of the right sizes.</summary>
public sealed class TlsFloorTests
{
    [Theory]
    [InlineData(64, 70, 66)]
    [InlineData(4096, 4104, 4100)]
    public void Echo_records_of_a_websocket_message_cross_a_real_tls_13_session(int size, int inPlaintext, int outPlaintext)
    {
        var floor = TlsFloorCommand.Measure(size, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20));

        Assert.Equal(inPlaintext, floor.InPlaintext);
        Assert.Equal(outPlaintext, floor.OutPlaintext);
        Assert.StartsWith("Tls13 TLS_AES_", floor.Cipher);
        Assert.True(floor.UsPerEcho > 0 && double.IsFinite(floor.UsPerEcho), $"{floor.UsPerEcho} us per echo");
    }

    [Fact]
    public void Echoes_take_turns_on_several_sessions()
    {
        var floor = TlsFloorCommand.Measure(64, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20), sessions: 3);

        Assert.StartsWith("Tls13 TLS_AES_", floor.Cipher);
        Assert.True(floor.FewestEchoesPerSession > 0, "a session carried no echo");
        Assert.InRange(floor.MostEchoesPerSession - floor.FewestEchoesPerSession, 0, 1);
    }

    [Theory]
    [InlineData(64, 1)]
    [InlineData(20_000, 2)] // more than one record each way (RFC 8446 §5.1: 16 KiB of plaintext per record)
    public void The_servers_side_alone_runs_the_servers_engine_and_openssl_directly_on_the_same_records(int size, int sessions)
    {
        Assert.True(OpenSslSession.Supported, "OpenSSL 3 (libssl.so.3), which the server's own TLS runs on, did not load");
        using var certificate = TlsFloorCommand.SelfSigned();

        // Every session's first echo is checked byte for byte both ways (a mismatch throws).
        var figures = TlsEngineFloor.Measure(certificate, size + 8, size + 4, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(20), sessions, releaseBuffers: true);

        Assert.StartsWith("Tls13 TLS_AES_", figures.EngineCipher);
        Assert.StartsWith("TLSv1.3 TLS_AES_", figures.DirectCipher);
        Assert.Equal(figures.EngineCipher["Tls13 ".Length..], figures.DirectCipher["TLSv1.3 ".Length..]);
        Assert.True(figures.EngineEchoes > 0 && figures.DirectEchoes > 0, $"{figures.EngineEchoes} and {figures.DirectEchoes} echoes");
        Assert.True(double.IsFinite(figures.EngineUs) && double.IsFinite(figures.DirectUs), $"{figures.EngineUs} and {figures.DirectUs} us");
    }

    [Fact]
    public void An_openssl_session_refuses_what_is_not_tls_with_openssls_reason()
    {
        Assert.True(OpenSslSession.Supported, "OpenSSL 3 (libssl.so.3), which the server's own TLS runs on, did not load");
        using var certificate = TlsFloorCommand.SelfSigned();
        using var server = OpenSslSession.Server(certificate, releaseBuffers: false);

        server.Feed("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"u8);

        var failure = Assert.Throws<InvalidOperationException>(() => server.Handshake());
        Assert.Contains("SSL_do_handshake", failure.Message);
        Assert.Contains("SSL routines", failure.Message); // OpenSSL's own error text, e.g. "wrong version number"
    }
}
