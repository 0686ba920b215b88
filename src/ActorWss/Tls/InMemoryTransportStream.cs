using System.Threading.Tasks.Sources;
using ActorWss.Buffers;
using Akka.IO;

namespace ActorWss.Tls;

/// <summary>
/// The transport an <see cref="System.Net.Security.SslStream"/> sees, kept in memory: the .NET counterpart of an
/// OpenSSL BIO pair. Ciphertext from the network is fed in; ciphertext the SslStream writes is collected and drained.
/// <para>
/// Reads never block. With ciphertext buffered, a read completes at once; with none, it returns a pending
/// <see cref="ValueTask{T}"/> (backed by one reusable source, no allocation) that the next <see cref="Feed"/>
/// completes, synchronously, on the feeding thread: the SslStream then carries on inside that call. Writes copy
/// and complete at once.
/// </para>
/// <para>
/// Threading: one reader (the decrypt side: <see cref="Feed"/>, <see cref="CompleteInput"/> and SslStream's reads)
/// and any writers; the outbound queue is locked because in offload mode the decrypt side (handshake messages,
/// alerts) and the encrypt side may write at the same time.
/// </para>
/// </summary>
internal sealed class InMemoryTransportStream : Stream, IValueTaskSource<int>
{
    private ByteString _inbound = ByteString.Empty;
    private bool _inputCompleted;
    private ManualResetValueTaskSourceCore<int> _pendingRead; // RunContinuationsAsynchronously = false: resume inline
    private Memory<byte> _pendingReadBuffer;
    private bool _readPending;

    private readonly Lock _outboundLock = new();
    private ByteString _outbound = ByteString.Empty;

    /// <summary>Ciphertext received and not yet read by the SslStream.</summary>
    public int InboundBuffered => _inbound.Count;

    /// <summary>True while the SslStream waits for ciphertext.</summary>
    public bool ReadPending => _readPending;

    /// <summary>Adds ciphertext from the network; a waiting read takes it (and the SslStream runs on) before this returns.</summary>
    public void Feed(ByteString ciphertext)
    {
        if (ciphertext.IsEmpty) return;
        _inbound = _inbound.IsEmpty ? ciphertext : _inbound.Concat(ciphertext);
        if (_readPending) CompletePendingRead();
    }

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
        if (!_inbound.IsEmpty) return new ValueTask<int>(Take(buffer.Span));
        if (_inputCompleted) return new ValueTask<int>(0);
        if (_readPending) throw new InvalidOperationException("a read is already pending");
        _pendingRead.Reset();
        _pendingReadBuffer = buffer;
        _readPending = true;
        return new ValueTask<int>(this, _pendingRead.Version);
    }

    public override int Read(Span<byte> buffer)
    {
        if (!_inbound.IsEmpty) return Take(buffer);
        if (_inputCompleted || buffer.Length == 0) return 0;
        throw new InvalidOperationException("synchronous read with no ciphertext buffered: it would block");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length == 0) return;
        var copy = ByteString.FromBytes(buffer.ToArray()); // the SslStream reuses its buffer
        lock (_outboundLock) _outbound = _outbound.IsEmpty ? copy : _outbound.Concat(copy);
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

    private int Take(Span<byte> destination)
    {
        int n = _inbound.CopyPrefixTo(destination);
        _inbound = n == _inbound.Count ? ByteString.Empty : _inbound.Slice(n);
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
