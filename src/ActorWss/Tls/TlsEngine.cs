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

    private readonly InMemoryTransportStream _transport = new();
    private readonly SslStream _ssl;
    private byte[]? _plaintext; // rented while a read needs it: an idle connection holds no plaintext buffer
    private Task? _handshake;
    private ValueTask<int> _read;
    private bool _readOutstanding;
    private TlsPeerClose _peerClose;
    private readonly Lock _session = new(); // held by every call into the SslStream after the handshake started
    private bool _disposed;

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
                _ssl.RemoteCertificate?.Subject);
        }
    }

    /// <summary>Starts the server handshake; it advances as ciphertext is fed to <see cref="Decrypt"/>.</summary>
    public void StartHandshake(SslServerAuthenticationOptions options) =>
        _handshake = _ssl.AuthenticateAsServerAsync(options, CancellationToken.None);

    /// <summary>
    /// Feeds <paramref name="ciphertext"/> (may be empty) and returns all plaintext that became available; with
    /// <paramref name="inputEnded"/>, the network input is over after it (read first, so that close_notify in the
    /// last bytes is told from a bare FIN). During the handshake this only advances it. Throws the SslStream's
    /// exception on bad input (handshake failure, bad MAC, a record cut short).
    /// </summary>
    public DecryptResult Decrypt(ByteString ciphertext, bool inputEnded = false)
    {
        Enter();
        try
        {
            _transport.Feed(ciphertext);
            var plaintext = ReadAvailable();
            if (inputEnded && _peerClose == TlsPeerClose.None)
            {
                _transport.CompleteInput(); // a pending read (the handshake's, or a record's) ends now
                var last = ReadAvailable();
                if (!last.IsEmpty) plaintext = plaintext.IsEmpty ? last : plaintext.Concat(last);
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
