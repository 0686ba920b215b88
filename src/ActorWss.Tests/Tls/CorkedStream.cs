namespace ActorWss.Tests.Tls;

/// <summary>
/// A client's transport that can hold its writes back and then send them as one: what the server reads when many
/// records (and close_notify) sit in its socket buffer at once.
/// </summary>
internal sealed class CorkedStream(Stream inner) : Stream
{
    private MemoryStream? _held;

    /// <summary>From now on, writes are held.</summary>
    public void Cork() => _held = new MemoryStream();

    /// <summary>Sends everything held in one write.</summary>
    public async Task UncorkAsync()
    {
        var held = _held ?? throw new InvalidOperationException("not corked");
        _held = null;
        await inner.WriteAsync(held.ToArray());
        await inner.FlushAsync();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        inner.ReadAsync(buffer, cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_held is null) return inner.WriteAsync(buffer, cancellationToken);
        _held.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) =>
        _held is null ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

    public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
