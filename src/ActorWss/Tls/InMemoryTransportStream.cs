using System.Threading.Tasks.Sources;
using ActorWss.Buffers;
using Akka.IO;

namespace ActorWss.Tls;

/// <summary>
/// The transport an <see cref="System.Net.Security.SslStream"/> sees, kept in memory: the .NET counterpart of an
/// OpenSSL BIO pair. Ciphertext from the network is fed in; ciphertext the SslStream writes is collected and drained.
/// <para>
/// Reads never block, and hand out one whole TLS record at a time (RFC 8446 §5.1 framing: a 5-byte header with
/// the length), so the SslStream never holds ciphertext this stream cannot see. With a complete record buffered, a
/// read completes at once, so a decrypt step after the handshake runs without a single pending read, continuation or
/// state-machine box; with none, it returns a pending
/// <see cref="ValueTask{T}"/> (one reusable source, no allocation) that the <see cref="Feed"/> completing a record
/// completes, synchronously, on the feeding thread: the SslStream then carries on inside that call. Bytes that are
/// not TLS framing at all are handed over as they are, so that the SslStream rejects them at once. Writes copy and
/// complete at once.
/// </para>
/// <para>
/// Threading: one reader (the decrypt side: <see cref="Feed"/>, <see cref="CompleteInput"/> and SslStream's reads)
/// and any writers; the outbound queue is locked because the stage drains it on its own thread while an offloaded
/// step may be writing to it on another.
/// </para>
/// </summary>
internal sealed class InMemoryTransportStream : Stream, IValueTaskSource<int>
{
    private ByteString _inbound = ByteString.Empty;
    private int _readable;          // bytes at the start of _inbound that form whole records (non-TLS input: all of it)
    private int _recordLeft;        // bytes of the record being handed out that are still buffered
    private bool _notTls;           // the input is not TLS framing: hand it all over, the SslStream will refuse it
    private bool _inputCompleted;
    private ManualResetValueTaskSourceCore<int> _pendingRead; // RunContinuationsAsynchronously = false: resume inline
    private Memory<byte> _pendingReadBuffer;
    private bool _readPending;

    private readonly Lock _outboundLock = new();
    private ByteString _outbound = ByteString.Empty;
    private bool _wroteAny;

    /// <summary>The SslStream has written something (a handshake message, an alert) since the session started.</summary>
    public bool WroteAny => Volatile.Read(ref _wroteAny);

    /// <summary>Ciphertext received and not yet read by the SslStream.</summary>
    public int InboundBuffered => _inbound.Count;

    /// <summary>True while the SslStream waits for ciphertext.</summary>
    public bool ReadPending => _readPending;

    /// <summary>A read now would complete at once: a whole record is buffered, or the input has ended.</summary>
    public bool CanReadNow => _readable > 0 || _inputCompleted;

    /// <summary>Adds ciphertext from the network; a waiting read takes it (and the SslStream runs on) before this returns.</summary>
    public void Feed(ByteString ciphertext)
    {
        if (ciphertext.IsEmpty) return;
        _inbound = _inbound.IsEmpty ? ciphertext : _inbound.Concat(ciphertext);
        ScanRecords();
        if (_readPending && _readable > 0) CompletePendingRead();
    }

    /// <summary>Extends <see cref="_readable"/> over every complete record after it.</summary>
    private void ScanRecords()
    {
        if (!_notTls)
        {
            int end = TlsRecordFraming.EndOfWholeRecords(_inbound, _readable);
            if (end >= 0)
            {
                _readable = end;
                return;
            }
            _notTls = true;
        }
        _readable = _inbound.Count;
    }

    /// <summary>The network input has ended (<see cref="CompleteInput"/>).</summary>
    public bool InputCompleted => _inputCompleted;

    /// <summary>The network closed: reads return 0 once the buffered ciphertext is consumed.</summary>
    public void CompleteInput()
    {
        _inputCompleted = true;
        if (_readPending) CompletePendingRead();
    }

    /// <summary>Takes every ciphertext byte written so far, in write order.</summary>
    public ByteString DrainOutbound()
    {
        lock (_outboundLock)
        {
            var drained = _outbound;
            _outbound = ByteString.Empty;
            return drained;
        }
    }

    public bool HasOutbound
    {
        get { lock (_outboundLock) return !_outbound.IsEmpty; }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return new ValueTask<int>(0);
        if (CanReadNow && !_inbound.IsEmpty) return new ValueTask<int>(Take(buffer.Span));
        if (_inputCompleted) return new ValueTask<int>(0);
        if (_readPending) throw new InvalidOperationException("a read is already pending");
        _pendingRead.Reset();
        _pendingReadBuffer = buffer;
        _readPending = true;
        return new ValueTask<int>(this, _pendingRead.Version);
    }

    public override int Read(Span<byte> buffer)
    {
        if (CanReadNow && !_inbound.IsEmpty) return Take(buffer);
        if (_inputCompleted || buffer.Length == 0) return 0;
        throw new InvalidOperationException("synchronous read with no ciphertext buffered: it would block");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length == 0) return;
        var copy = ByteStrings.CopyOf(buffer); // the SslStream reuses its buffer; a copy that is not zeroed first
        lock (_outboundLock)
        {
            _outbound = _outbound.IsEmpty ? copy : _outbound.Concat(copy);
            _wroteAny = true;
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void CompletePendingRead()
    {
        int n = _inbound.IsEmpty ? 0 : Take(_pendingReadBuffer.Span);
        _pendingReadBuffer = default;
        _readPending = false;
        _pendingRead.SetResult(n); // runs the SslStream's continuation here, on this thread
    }

    /// <summary>
    /// Hands out what is left of the current record (the next whole one when at a record boundary); everything once
    /// the input ended or when it is not TLS.
    /// </summary>
    private int Take(Span<byte> destination)
    {
        int available;
        if (_inputCompleted || _notTls)
        {
            available = _inbound.Count;
        }
        else
        {
            if (_recordLeft == 0) _recordLeft = TlsRecordFraming.RecordLength(_inbound, 0);
            available = _recordLeft;
        }
        int n = _inbound.CopyPrefixTo(destination[..Math.Min(destination.Length, available)]);
        _inbound = n == _inbound.Count ? ByteString.Empty : _inbound.Slice(n);
        _readable = Math.Max(0, _readable - n);
        _recordLeft = Math.Max(0, _recordLeft - n);
        return n;
    }

    int IValueTaskSource<int>.GetResult(short token) => _pendingRead.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _pendingRead.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _pendingRead.OnCompleted(continuation, state, token, flags);

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
