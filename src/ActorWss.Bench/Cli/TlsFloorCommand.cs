using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Bench.Load;

namespace ActorWss.Bench.Cli;

/// <summary>
/// <c>tls-floor</c>: what TLS itself costs per echo on this machine, with no server around it: the least any server
/// built on <see cref="SslStream"/> (OpenSSL on Linux) pays per wss echo. Against the server CPU a ws echo costs, it
/// bounds how close wss can come to ws. Then the server's own TLS engine alone against OpenSSL called directly
/// (<see cref="TlsEngineFloor"/>): what SslStream and the engine around OpenSSL cost per echo, and so the most a TLS
/// engine bound to OpenSSL itself could save.
/// </summary>
public static class TlsFloorCommand
{
    public const string Usage = """
        tls-floor [options]                 TLS's own cost per echo on one thread, no server: an SslStream pair in
                                            memory, the server's share (one record in, one out)
          --size BYTES                      message size (default 64)
          --sessions N[,N...]               sessions the echoes take turns on, one row each (default 1): with many,
                                            each echo finds its session's state out of the CPU's caches, as a
                                            server's echo does among many connections
          -d, --duration T                  measured time per figure (default 3s, after 1s of warm-up)
          --release-buffers on|off          the engines' server sessions free their record buffers between records,
                                            as the server's tls.release-idle-buffers does (default on, as there)
        Each row also times the server's side alone, against an OpenSSL client: the server's TLS engine (SslStream
        over its in-memory transport) and OpenSSL called directly (SSL_read_ex and SSL_write_ex on memory BIOs) with
        the same ByteStrings in and out; their difference is what SslStream's layers cost per echo.
        """;

    public static Task<int> RunAsync(CommandArgs args)
    {
        int size = args.Size("--size", 64);
        var sessions = args.IntList("--sessions", [1]);
        var duration = args.Duration("--duration", TimeSpan.FromSeconds(3));
        bool releaseBuffers = args.OnOff("--release-buffers", true);
        args.RejectUnknown();

        Console.WriteLine($"tls-floor: {size} B messages, one thread, {duration.TotalSeconds:0.#} s after 1 s of warm-up per figure");
        foreach (int count in sessions)
        {
            var floor = Measure(size, duration, TimeSpan.FromSeconds(1), count);
            Console.WriteLine($"  {count} session(s), {floor.InPlaintext} B in, {floor.OutPlaintext} B out per echo; SslStream pair, " +
                $"the server's share (decrypt one record, encrypt one): {floor.UsPerEcho:0.00} us per echo [{floor.Cipher}]");
            if (!OpenSslSession.Supported)
            {
                Console.WriteLine("    the server's side alone: needs OpenSSL 3 (libssl.so.3), not found here");
                continue;
            }
            int inPlain = floor.InPlaintext, outPlain = floor.OutPlaintext;
            using var certificate = SelfSigned();
            var alone = TlsEngineFloor.Measure(certificate, inPlain, outPlain, duration, TimeSpan.FromSeconds(1), count, releaseBuffers);
            Console.WriteLine($"    the server's side alone, record buffers {(releaseBuffers ? "released between records" : "kept")}: " +
                $"ActorWss's TLS engine {alone.EngineUs:0.00} us per echo [{alone.EngineCipher}], OpenSSL called directly " +
                $"{alone.DirectUs:0.00} us [{alone.DirectCipher}]; SslStream's layers and the engine's own: {alone.EngineUs - alone.DirectUs:0.00} us");
        }
        Console.WriteLine("  wss can reach at most W / (W + F) of ws's echoes per CPU-second, where W is a ws echo's server CPU " +
            "and F the row's figure at the same number of connections, both in us.");
        return Task.FromResult(0);
    }

    /// <summary>
    /// What one echo's records cost an SslStream server, in microseconds, the sessions' cipher, and the fewest and
    /// most echoes one session carried, warm-up included (they take turns: at most one apart).
    /// </summary>
    public sealed record TlsFloor(int InPlaintext, int OutPlaintext, double UsPerEcho, string Cipher, long FewestEchoesPerSession, long MostEchoesPerSession);

    public static TlsFloor Measure(int size, TimeSpan duration, TimeSpan warmUp, int sessions = 1)
    {
        // An echo's records: the client's masked frame (6 header bytes up to 125, 8 up to 64 KiB) and the server's
        // unmasked one (2 or 4).
        int inPlain = size + (size <= 125 ? 6 : 8), outPlain = size + (size <= 125 ? 2 : 4);
        var (us, cipher, echoes) = SslStreamEcho(inPlain, outPlain, duration, warmUp, sessions);
        return new TlsFloor(inPlain, outPlain, us, cipher, echoes.Min(), echoes.Max());
    }

    /// <summary>
    /// Client and server SslStreams over in-memory pipes, <paramref name="sessions"/> pairs taking turns: per echo,
    /// half of both sides' work.
    /// </summary>
    private static (double Us, string Cipher, long[] EchoesPerSession) SslStreamEcho(int inPlain, int outPlain, TimeSpan duration, TimeSpan warmUp, int sessions)
    {
        using var certificate = SelfSigned();
        var pairs = new (SslStream Server, SslStream Client)[sessions];
        try
        {
            for (int i = 0; i < sessions; i++) pairs[i] = Handshake(certificate);
            var request = new byte[inPlain];
            var reply = new byte[outPlain];
            var buffer = new byte[64 * 1024];
            var echoes = new long[sessions];
            int next = 0;
            void Echo()
            {
                var (server, client) = pairs[next];
                echoes[next]++;
                next = next + 1 == sessions ? 0 : next + 1;
                client.Write(request);
                ReadExactly(server, buffer, inPlain);
                server.Write(reply);
                ReadExactly(client, buffer, outPlain);
            }
            double bothSides = Time(Echo, duration, warmUp);
            return (bothSides / 2, $"{pairs[0].Server.SslProtocol} {pairs[0].Server.NegotiatedCipherSuite}", echoes);
        }
        finally
        {
            foreach (var (server, client) in pairs)
            {
                server?.Dispose();
                client?.Dispose();
            }
        }
    }

    private static (SslStream Server, SslStream Client) Handshake(X509Certificate2 certificate)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var server = new SslStream(new DuplexPipeStream(toServer.Reader, toClient.Writer));
        var client = new SslStream(new DuplexPipeStream(toClient.Reader, toServer.Writer));
        Task.WaitAll(
            server.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate, EnabledSslProtocols = SslProtocols.Tls13 }),
            client.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }));
        return (server, client);
    }

    /// <summary>Microseconds (wall clock, one thread busy throughout) per call of <paramref name="echo"/>, after a warm-up.</summary>
    private static double Time(Action echo, TimeSpan duration, TimeSpan warmUp)
    {
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < warmUp) echo();
        long calls = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            for (int i = 0; i < 256; i++) echo();
            calls += 256;
        }
        return clock.Elapsed.TotalMicroseconds / calls;
    }

    private static void ReadExactly(Stream stream, byte[] buffer, int count)
    {
        for (int at = 0; at < count;)
        {
            int n = stream.Read(buffer, at, count - at);
            if (n == 0) throw new IOException("the in-memory TLS peer closed");
            at += n;
        }
    }

    internal static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048); // the matrix's wss servers use RSA-2048 too; the key does not touch records
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }
}
