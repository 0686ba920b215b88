using System.Buffers;
using System.Net.Security;
using ActorWss.Buffers;
using Akka.IO;

namespace ActorWss.Tls;

/// <summary>How the peer ended its side of the session, as far as a decrypt step has seen.</summary>
internal enum TlsPeerClose
{
    /// <summary>Still sending.</summary>
    None,
    /// <summary>close_notify (RFC 8446 §6.1): the peer said it is done.</summary>
    CloseNotify,
    /// <summary>
    /// TCP ended at a record boundary without close_notify. RFC 8446 §6.1 leaves it to the application: here the
    /// WebSocket close handshake says whether the conversation was complete, so it ends the session like a close.
    /// </summary>
    Truncated,
}

/// <summary>What one decrypt step produced.</summary>
/// <param name="Plaintext">Application bytes decrypted now (possibly none).</param>
/// <param name="PeerClose">Whether the peer ended its side: no more plaintext will come after this.</param>
internal readonly record struct DecryptResult(ByteString Plaintext, TlsPeerClose PeerClose);

/// <summary>
/// One TLS server session: an <see cref="SslStream"/> over an <see cref="InMemoryTransportStream"/>. Every call
/// returns without blocking: input is fed, whatever can be decrypted is returned, and ciphertext to send
/// (handshake messages, records, alerts) is collected for <see cref="TakeCiphertext"/>.
/// <para>
/// Threading: a decrypt step and an encrypt step may be in flight on two threads at once (offload mode), but their
/// work on the session is serialized by a lock. OpenSSL's SSL object must not be used by two threads at once, and
/// SslStream does not serialize every call: close_notify (SSL_shutdown) is not locked against a concurrent read, and
/// a close racing a read is how every offloaded connection ends. The lock is contended only when both directions of
/// one connection are busy at the same moment. Two steps of the same direction never overlap (the stage guarantees
/// it). Disposal takes the same lock, so it waits for a step in progress on another thread to finish.
/// </para>
/// </summary>
internal sealed class TlsEngine : IDisposable
{
    /// <summary>A TLS record carries at most 16 KiB of plaintext (RFC 8446 §5.1), and the transport hands out one record per read.</summary>
    private const int PlaintextBufferSize = 16 * 1024;

    /// <summary>RFC 8446 §5.1 ContentType handshake: the first record of every TLS client.</summary>
    private const byte HandshakeContentType = 22;

    /// <summary>
    /// A fatal decode_error alert (RFC 8446 §6.2) as a TLSPlaintext record (§5.1): alert(21), legacy version 3.3,
    /// length 2, level fatal(2), description decode_error(50).
    /// </summary>
    private static readonly byte[] DecodeErrorAlert = [21, 3, 3, 0, 2, 2, 50];

    private readonly InMemoryTransportStream _transport = new();
    private readonly SslStream _ssl;
    private byte[]? _plaintext; // rented while a read needs it: an idle connection holds no plaintext buffer
    private Task? _handshake;
    private ValueTask<int> _read;
    private bool _readOutstanding;
    private TlsPeerClose _peerClose;
    private readonly Lock _session = new(); // held by every call into the SslStream after the handshake started
    private bool _disposed;
    private int _firstByte = -1; // of the peer's input: a TLS client begins with a handshake record
    private Func<string?, SslServerAuthenticationOptions>? _optionsFor;

    public TlsEngine() => _ssl = new SslStream(_transport, leaveInnerStreamOpen: true);

    /// <summary>Completes when the handshake is done; faults when it failed.</summary>
    public Task Handshake => _handshake ?? throw new InvalidOperationException("handshake not started");

    /// <summary>What the completed handshake negotiated.</summary>
    public TlsEstablished Describe(TimeSpan handshakeTime)
    {
        lock (_session)
        {
            return new TlsEstablished(
                _ssl.SslProtocol,
                _ssl.NegotiatedCipherSuite,
                _ssl.NegotiatedApplicationProtocol.Protocol.IsEmpty ? null : _ssl.NegotiatedApplicationProtocol.ToString(),
                handshakeTime,
                _ssl.RemoteCertificate?.Subject,
                _ssl.RemoteCertificate as System.Security.Cryptography.X509Certificates.X509Certificate2);
        }
    }

    /// <summary>
    /// Lets the established session free its native record buffers between records, and gives back the buffers its
    /// handshake grew (<see cref="OpenSslIdleBuffers"/>); false where that is not possible.
    /// </summary>
    public bool ReleaseBuffersWhenIdle()
    {
        lock (_session)
        {
            return !_disposed && OpenSslIdleBuffers.TryEnable(_ssl);
        }
    }

    /// <summary>The session's OpenSSL mode bits, null where they cannot be read (tests).</summary>
    internal long? OpenSslMode
    {
        get { lock (_session) return _disposed ? null : OpenSslIdleBuffers.ModeOf(_ssl); }
    }

    /// <summary>The network input has ended (fed with <c>inputEnded</c>).</summary>
    public bool InputEnded => _transport.InputCompleted;

    /// <summary>Our certificate validation refused the peer's certificate (mTLS).</summary>
    public bool CertificateRejected { get; private set; }

    /// <summary>
    /// Starts the server handshake; it advances as ciphertext is fed to <see cref="Decrypt"/>. The options come from
    /// <paramref name="optionsFor"/> once the ClientHello is in, for the server name it asks for (SNI; empty if none).
    /// </summary>
    public void StartHandshake(Func<string?, SslServerAuthenticationOptions> optionsFor)
    {
        _optionsFor = optionsFor;
        _handshake = _ssl.AuthenticateAsServerAsync(
            static (_, hello, engine, _) => ValueTask.FromResult(((TlsEngine)engine!).OptionsFor(hello.ServerName)), this, CancellationToken.None);
    }

    /// <summary>
    /// The handshake succeeded and its outcome has been taken: let go of its task (SslStream's authentication state
    /// machine) and of the options factory, which an established session no longer needs.
    /// </summary>
    public void ForgetHandshake()
    {
        if (_handshake is { IsCompletedSuccessfully: true }) _handshake = Task.CompletedTask;
        _optionsFor = null;
    }

    /// <summary>The connection's options, with their certificate validation watched (a refusal is classified as one).</summary>
    private SslServerAuthenticationOptions OptionsFor(string serverName)
    {
        var options = _optionsFor!(serverName);
        if (options.RemoteCertificateValidationCallback is { } validate)
        {
            options.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
            {
                bool accepted = validate(sender, certificate, chain, errors);
                CertificateRejected |= !accepted;
                return accepted;
            };
        }
        return options;
    }

    /// <summary>
    /// Answers a failed handshake that the session did not answer itself: a fatal decode_error alert, in the clear
    /// like every alert sent before the handshake has keys (RFC 8446 §5.1). SslStream checks record headers and parses
    /// the ClientHello in managed code before OpenSSL sees it; what it refuses there gets no alert where OpenSSL would
    /// have sent decode_error (and .NET 10's parser throws ArgumentOutOfRangeException on some bad lengths, fixed
    /// upstream by dotnet/runtime#126352). Only a peer that began a TLS handshake is answered: one that does not speak
    /// TLS at all (plain HTTP, garbage) is dropped without a word. Returns whether the alert was queued.
    /// </summary>
    public bool AnswerUnansweredHandshakeFailure()
    {
        lock (_session)
        {
            if (_disposed || _transport.WroteAny || _firstByte != HandshakeContentType) return false;
            _transport.Write(DecodeErrorAlert);
            return true;
        }
    }

    /// <summary>
    /// Feeds <paramref name="ciphertext"/> (may be empty) and returns all plaintext that became available; with
    /// <paramref name="inputEnded"/>, the network input is over after it (read first, so that close_notify in the
    /// last bytes is told from a bare FIN), and the result is a peer close or an exception. During the handshake this
    /// only advances it. Throws the SslStream's exception on bad input (handshake failure, bad MAC, a record cut short).
    /// </summary>
    public DecryptResult Decrypt(ByteString ciphertext, bool inputEnded = false)
    {
        Enter();
        try
        {
            if (_firstByte < 0 && !ciphertext.IsEmpty) _firstByte = ciphertext[0];
            _transport.Feed(ciphertext);
            var plaintext = ReadAvailable();
            if (inputEnded && _peerClose == TlsPeerClose.None)
            {
                _transport.CompleteInput(); // a pending read (the handshake's, or a record's) ends now
                var last = ReadAvailable();
                if (!last.IsEmpty) plaintext = plaintext.IsEmpty ? last : plaintext.Concat(last);
                // SslStream fails a handshake at the end of input; should it ever not, the session still ends here.
                if (_peerClose == TlsPeerClose.None) throw new IOException("the peer closed the connection during the handshake");
            }
            return new DecryptResult(plaintext, _peerClose);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Every record the transport holds, decrypted; rethrows a handshake failure.</summary>
    private ByteString ReadAvailable()
    {
        if (!Handshake.IsCompleted || _peerClose != TlsPeerClose.None) return ByteString.Empty;
        Handshake.GetAwaiter().GetResult(); // rethrows a handshake failure

        var plaintext = ByteString.Empty;
        bool mayHaveMore = false; // the last read filled the buffer: the SslStream may hold more of the record
        while (true)
        {
            if (!_readOutstanding)
            {
                // Read only when it completes at once (the transport hands out whole records, one at a time, so
                // the SslStream holds nothing the transport cannot see): no pending read, continuation or state
                // machine per record.
                if (!_transport.CanReadNow && !mayHaveMore) break;
                _plaintext ??= ArrayPool<byte>.Shared.Rent(PlaintextBufferSize);
                _read = _ssl.ReadAsync(_plaintext);
                _readOutstanding = true;
            }
            // Pending: the SslStream needs more than was there (a record split across packets, a post-handshake
            // message); the next Feed resumes it inline.
            if (!_read.IsCompleted) break;
            _readOutstanding = false;
            int n = _read.GetAwaiter().GetResult();
            if (n == 0)
            {
                // SslStream reads 0 at close_notify, and at an end of input on a record boundary.
                _peerClose = _transport.InputCompleted ? TlsPeerClose.Truncated : TlsPeerClose.CloseNotify;
                break;
            }
            mayHaveMore = n == _plaintext!.Length;
            var chunk = ByteStrings.CopyOf(_plaintext.AsSpan(0, n));
            plaintext = plaintext.IsEmpty ? chunk : plaintext.Concat(chunk);
        }
        if (!_readOutstanding && _plaintext is not null)
        {
            ArrayPool<byte>.Shared.Return(_plaintext);
            _plaintext = null;
        }
        return plaintext;
    }

    /// <summary>Encrypts <paramref name="plaintext"/> into records (split at 16 KiB by the SslStream).</summary>
    public void Encrypt(ByteString plaintext)
    {
        Enter();
        byte[]? gathered = null;
        try
        {
            if (plaintext.IsCompact)
            {
                _ssl.Write(plaintext.ToReadOnlySpan());
                return;
            }
            // A batch of frames, or a frame header with its payload: one write makes full records, not one per piece.
            gathered = ArrayPool<byte>.Shared.Rent(plaintext.Count);
            int count = plaintext.CopyPrefixTo(gathered);
            _ssl.Write(gathered, 0, count);
        }
        finally
        {
            if (gathered is not null) ArrayPool<byte>.Shared.Return(gathered);
            Exit();
        }
    }

    /// <summary>Sends close_notify (RFC 8446 §6.1).</summary>
    public void Shutdown()
    {
        Enter();
        try
        {
            _ssl.ShutdownAsync().GetAwaiter().GetResult(); // the transport completes writes at once
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Ciphertext produced since the last call, in the order the SslStream wrote it.</summary>
    public ByteString TakeCiphertext() => _transport.DrainOutbound();

    public bool HasCiphertext => _transport.HasOutbound;

    /// <summary>Disposes the session; a step running on another thread finishes first (it holds the lock).</summary>
    public void Dispose()
    {
        lock (_session)
        {
            if (_disposed) return;
            _disposed = true;
            _transport.CompleteInput(); // lets a pending read end
            try { _ssl.Dispose(); }
            catch (Exception) { /* a session torn down mid-record has nothing left worth reporting */ }
        }
    }

    /// <summary>Takes the session for one step; a step that comes after disposal (still queued for offload) is refused.</summary>
    private void Enter()
    {
        _session.Enter();
        if (!_disposed) return;
        _session.Exit();
        throw new ObjectDisposedException(nameof(TlsEngine));
    }

    private void Exit() => _session.Exit();
}
