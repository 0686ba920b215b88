using System.Diagnostics;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Bench.Load;
using ActorWss.Buffers;
using ActorWss.Tls;
using Akka.IO;

namespace ActorWss.Bench.Cli;

/// <summary>
/// The server's TLS engine alone, one record in and one out per echo, timed around the server's calls only (the
/// client, an <see cref="OpenSslSession"/>, is not counted): ActorWss's <see cref="TlsEngine"/> (SslStream over its
/// in-memory transport, as the server runs it) against OpenSSL called directly with the same inputs and outputs
/// (ciphertext in as a ByteString, plaintext out as one, ciphertext out as one). The difference is the most that
/// binding the server to OpenSSL instead of SslStream could save per echo on this machine's OpenSSL.
/// </summary>
internal static class TlsEngineFloor
{
    /// <summary>
    /// Microseconds of the server's calls per echo for each engine (the cost of reading the clock twice taken off),
    /// what each negotiated, and how many echoes each measured.
    /// </summary>
    public sealed record Figures(double EngineUs, string EngineCipher, long EngineEchoes, double DirectUs, string DirectCipher, long DirectEchoes);

    public static Figures Measure(X509Certificate2 certificate, int inPlain, int outPlain, TimeSpan duration, TimeSpan warmUp, int sessions, bool releaseBuffers)
    {
        double clock = ClockPairTicks();
        var request = new byte[inPlain];
        var reply = new byte[outPlain];
        Random.Shared.NextBytes(request);
        Random.Shared.NextBytes(reply);
        using var engine = new Lane(() => new EngineServer(certificate, releaseBuffers), sessions, request, reply);
        using var direct = new Lane(() => new DirectServer(certificate, releaseBuffers), sessions, request, reply);

        // The two take turns in slices of 256 echoes, so that the machine's changes of speed fall on both alike.
        var warming = Stopwatch.StartNew();
        while (warming.Elapsed < warmUp) Slices(engine, direct);
        engine.Reset();
        direct.Reset();
        var running = Stopwatch.StartNew();
        while (running.Elapsed < duration) Slices(engine, direct);
        return new Figures(engine.Us(clock), engine.Negotiated, engine.Echoes, direct.Us(clock), direct.Negotiated, direct.Echoes);
    }

    private static void Slices(Lane first, Lane second)
    {
        for (int i = 0; i < 256; i++) first.Echo(check: false);
        for (int i = 0; i < 256; i++) second.Echo(check: false);
    }

    /// <summary>Sessions of one engine, each with its OpenSSL client, taking turns echo by echo.</summary>
    private sealed class Lane : IDisposable
    {
        private readonly (ServerUnderTest Server, OpenSslSession Client)[] _pairs;
        private readonly byte[] _request, _replyBytes;
        private readonly ByteString _reply;
        private readonly byte[] _wire = new byte[64 * 1024], _plain = new byte[64 * 1024];
        private int _next;
        private long _serverTicks;

        public Lane(Func<ServerUnderTest> newServer, int sessions, byte[] request, byte[] reply)
        {
            _pairs = new (ServerUnderTest, OpenSslSession)[sessions];
            _request = request;
            _replyBytes = reply;
            _reply = ByteString.FromBytes(reply);
            try
            {
                for (int i = 0; i < sessions; i++)
                {
                    _pairs[i] = (newServer(), OpenSslSession.Client());
                    Handshake(_pairs[i].Server, _pairs[i].Client, _wire);
                }
                for (int i = 0; i < sessions; i++) Echo(check: true);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public long Echoes { get; private set; }

        public string Negotiated => _pairs[0].Server.Negotiated;

        public void Reset() => (_serverTicks, Echoes) = (0, 0);

        /// <summary>Microseconds of the server's calls per echo, the clock's own cost taken off.</summary>
        public double Us(double clockTicks) => (_serverTicks / (double)Echoes - clockTicks) * 1e6 / Stopwatch.Frequency;

        /// <summary>One echo: the client's record to the server, the server's reply back; only the server's part is timed.</summary>
        public void Echo(bool check)
        {
            var (server, client) = _pairs[_next];
            _next = _next + 1 == _pairs.Length ? 0 : _next + 1;
            client.Write(_request);
            var ciphertext = ByteStrings.CopyOf(_wire.AsSpan(0, client.Take(_wire)));
            long start = Stopwatch.GetTimestamp();
            var (plaintext, answer) = server.Echo(ciphertext, _reply);
            _serverTicks += Stopwatch.GetTimestamp() - start;
            Echoes++;
            if (check && !plaintext.ToArray().AsSpan().SequenceEqual(_request)) throw new InvalidOperationException("the server decrypted other bytes than the client sent");
            client.Feed(answer.ToArray());
            int read = 0;
            for (int n; read < _replyBytes.Length && (n = client.Read(_plain.AsSpan(read))) > 0;) read += n;
            if (read != _replyBytes.Length) throw new InvalidOperationException($"the client decrypted {read} of the reply's {_replyBytes.Length} bytes");
            if (check && !_plain.AsSpan(0, read).SequenceEqual(_replyBytes)) throw new InvalidOperationException("the client decrypted other bytes than the server sent");
        }

        public void Dispose()
        {
            foreach (var (server, client) in _pairs)
            {
                server?.Dispose();
                client?.Dispose();
            }
        }
    }

    /// <summary>
    /// Runs the handshake to completion in memory. SslStream may finish a step on another thread (its handshake is
    /// asynchronous), so a round that moved no bytes waits a little instead of counting against a fixed budget.
    /// </summary>
    private static void Handshake(ServerUnderTest server, OpenSslSession client, byte[] wire)
    {
        var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < deadline)
        {
            bool clientDone = client.Handshake();
            var toServer = wire.AsSpan(0, client.Take(wire)).ToArray();
            bool serverDone = server.HandshakeStep(toServer, out var toClient);
            client.Feed(toClient);
            if (clientDone && serverDone) return;
            if (toServer.Length == 0 && toClient.Length == 0) Thread.Sleep(1);
        }
        throw new InvalidOperationException("the in-memory TLS handshake did not complete in 10 s");
    }

    /// <summary>Ticks that reading the clock twice costs, taken off every echo's figure.</summary>
    private static double ClockPairTicks()
    {
        const int Pairs = 1_000_000;
        long sum = 0;
        for (int i = 0; i < Pairs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            sum += Stopwatch.GetTimestamp() - start;
        }
        return sum / (double)Pairs;
    }

    private abstract class ServerUnderTest : IDisposable
    {
        /// <summary>Feeds the client's handshake bytes; returns whether the server's side is complete and what to send back.</summary>
        public abstract bool HandshakeStep(byte[] fromClient, out byte[] toClient);

        /// <summary>One echo's server work: decrypt the record, encrypt the reply, take its ciphertext.</summary>
        public abstract (ByteString Plaintext, ByteString Ciphertext) Echo(ByteString ciphertext, ByteString reply);

        public abstract string Negotiated { get; }

        public abstract void Dispose();
    }

    /// <summary>The server's own engine, set up as a wss listener sets it up.</summary>
    private sealed class EngineServer : ServerUnderTest
    {
        private readonly TlsEngine _engine = new();
        private readonly bool _releaseBuffers;

        public EngineServer(X509Certificate2 certificate, bool releaseBuffers)
        {
            _releaseBuffers = releaseBuffers;
            var options = new SslServerAuthenticationOptions { ServerCertificate = certificate, EnabledSslProtocols = SslProtocols.Tls13 };
            _engine.StartHandshake(_ => options);
        }

        public override bool HandshakeStep(byte[] fromClient, out byte[] toClient)
        {
            if (fromClient.Length > 0) _engine.Decrypt(ByteString.FromBytes(fromClient));
            toClient = _engine.TakeCiphertext().ToArray();
            if (!_engine.Handshake.IsCompleted) return false;
            _engine.Handshake.GetAwaiter().GetResult(); // rethrows a failure
            _engine.ForgetHandshake();
            if (_releaseBuffers && OperatingSystem.IsLinux() && !_engine.ReleaseBuffersWhenIdle())
                throw new InvalidOperationException("the engine could not release its record buffers when idle");
            return true;
        }

        public override (ByteString Plaintext, ByteString Ciphertext) Echo(ByteString ciphertext, ByteString reply)
        {
            var plaintext = _engine.Decrypt(ciphertext).Plaintext;
            _engine.Encrypt(reply);
            return (plaintext, _engine.TakeCiphertext());
        }

        public override string Negotiated
        {
            get
            {
                var established = _engine.Describe(TimeSpan.Zero);
                return $"{established.Protocol} {established.CipherSuite}";
            }
        }

        public override void Dispose() => _engine.Dispose();
    }

    /// <summary>OpenSSL called directly, handing the same ByteStrings in and out as the engine.</summary>
    private sealed class DirectServer(X509Certificate2 certificate, bool releaseBuffers) : ServerUnderTest
    {
        private readonly OpenSslSession _session = OpenSslSession.Server(certificate, releaseBuffers);
        private readonly byte[] _buffer = new byte[64 * 1024]; // one per session here; an engine would share one per thread

        public override bool HandshakeStep(byte[] fromClient, out byte[] toClient)
        {
            _session.Feed(fromClient);
            bool done = _session.Handshake();
            toClient = _buffer.AsSpan(0, _session.Take(_buffer)).ToArray();
            return done;
        }

        public override (ByteString Plaintext, ByteString Ciphertext) Echo(ByteString ciphertext, ByteString reply)
        {
            _session.Feed(ciphertext.ToReadOnlySpan());
            int read = 0;
            for (int n; (n = _session.Read(_buffer.AsSpan(read))) > 0;) read += n; // more than one record above 16 KiB
            var plaintext = ByteStrings.CopyOf(_buffer.AsSpan(0, read));
            _session.Write(reply.ToReadOnlySpan());
            return (plaintext, ByteStrings.CopyOf(_buffer.AsSpan(0, _session.Take(_buffer))));
        }

        public override string Negotiated => $"{_session.Protocol} {_session.Cipher}";

        public override void Dispose() => _session.Dispose();
    }
}
