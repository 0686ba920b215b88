using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using HdrHistogram;

namespace ActorWss.Bench.Load;

/// <summary>
/// One client connection running the reference method: send one binary message, wait for its echo, check it byte
/// for byte, record the round trip, repeat. Pipelined (<c>inFlight</c> &gt; 1): that many messages stay in flight,
/// each echo is answered by the next message, and every round trip is still timed from its own send. The masked
/// frame is built once; the loop allocates nothing per message (pooled socket operations, fixed buffers, a
/// histogram per connection).
/// </summary>
internal sealed class EchoConnection : IAsyncDisposable
{
    private const int MaxServerHeader = 10;

    private readonly WebSocketClientConnection _connection;
    private readonly int _inFlight;
    private readonly byte[] _frames; // the same masked frame, inFlight times: a burst of n messages is one write
    private readonly int _frameLength;
    private readonly byte[] _payload;
    private readonly byte[] _buffer;
    private int _buffered;

    private EchoConnection(WebSocketClientConnection connection, int size, int inFlight)
    {
        _connection = connection;
        _inFlight = inFlight;
        _payload = new byte[size];
        Random.Shared.NextBytes(_payload);
        var frame = ClientFrames.Masked(0x2, _payload);
        _frameLength = frame.Length;
        _frames = new byte[frame.Length * inFlight];
        for (int i = 0; i < inFlight; i++) frame.CopyTo(_frames, i * frame.Length);
        int echo = size + MaxServerHeader;
        _buffer = new byte[Math.Max(echo, 4096) + Math.Min(echo * inFlight, 64 * 1024)];
        connection.Leftover.CopyTo(_buffer);
        _buffered = connection.Leftover.Length;
    }

    public LongHistogram Histogram { get; } = new(TimeStamp.Minutes(1), 3);

    /// <summary>The negotiated protocol and cipher suite, null for ws://.</summary>
    public string? Tls => _connection.Tls;

    public long Echoes;     // while measuring
    public long Completed;  // all, warm-up included: the running count the server's readings are placed in
    public long Errors;
    public string? FirstError;

    public static async Task<EchoConnection> OpenAsync(Uri url, int size, bool insecure, CancellationToken cancellation, int inFlight = 1)
    {
        if (inFlight < 1) throw new ArgumentOutOfRangeException(nameof(inFlight), "at least one message in flight");
        var connection = await WebSocketClientConnection.OpenAsync(url, insecure, cancellation);
        return new EchoConnection(connection, size, inFlight);
    }

    /// <summary>Runs round trips until <paramref name="state"/> says stop; records only while it says measure.</summary>
    public async Task RunAsync(RunState state)
    {
        try
        {
            if (_inFlight == 1) await RunClosedLoopAsync(state);
            else await RunPipelinedAsync(state);
        }
        catch (Exception e) when (!state.Stopping || e is InvalidDataException)
        {
            Errors++;
            FirstError ??= e.Message;
        }
        catch (Exception)
        {
            // the run ended while this loop was mid-message: not an error
        }
    }

    /// <summary>Sends one echo and waits for it (for the idle-memory mode, before the connection idles).</summary>
    public async Task EchoOnceAsync(CancellationToken cancellation)
    {
        await _connection.Stream.WriteAsync(_frames.AsMemory(0, _frameLength), cancellation);
        while (!TryTakeEcho()) await ReadMoreAsync(cancellation);
    }

    private async Task RunClosedLoopAsync(RunState state)
    {
        var stream = _connection.Stream;
        var frame = _frames.AsMemory(0, _frameLength);
        while (!state.Stopping)
        {
            if (!state.TrySend(1))
            {
                await state.WhenResumed();
                continue;
            }
            long started = Stopwatch.GetTimestamp();
            await stream.WriteAsync(frame);
            while (!TryTakeEcho()) await ReadMoreAsync(CancellationToken.None);
            Record(state, Stopwatch.GetTimestamp() - started);
            state.Received(1);
        }
    }

    /// <summary>
    /// A sender and a receiver: the sender waits for credits (one per message that may be sent) and sends all it
    /// has in one write; the receiver times each echo against its send, in order, and hands its credit back. Sending
    /// and receiving concurrently means a large burst can never deadlock against a server that is itself blocked
    /// writing echoes nobody reads.
    /// </summary>
    private async Task RunPipelinedAsync(RunState state)
    {
        var sentAt = new long[_inFlight]; // ring of send timestamps: echoes come back in send order
        int sendIndex = 0, receiveIndex = 0;
        using var credits = new SemaphoreSlim(_inFlight, _inFlight);
        using var stop = new CancellationTokenSource();
        var stream = _connection.Stream;

        async Task SendAsync()
        {
            while (!state.Stopping)
            {
                await credits.WaitAsync(stop.Token);
                int count = 1;
                while (count < _inFlight && credits.Wait(0)) count++;
                while (!state.TrySend(count) && !state.Stopping) await state.WhenResumed();
                if (state.Stopping) break;
                long now = Stopwatch.GetTimestamp();
                for (int i = 0; i < count; i++)
                {
                    sentAt[sendIndex] = now;
                    sendIndex = (sendIndex + 1) % _inFlight;
                }
                await stream.WriteAsync(_frames.AsMemory(0, count * _frameLength), stop.Token);
            }
        }

        var sender = SendAsync();
        try
        {
            while (!state.Stopping)
            {
                int received = 0;
                while (TryTakeEcho())
                {
                    Record(state, Stopwatch.GetTimestamp() - Volatile.Read(ref sentAt[receiveIndex]));
                    receiveIndex = (receiveIndex + 1) % _inFlight;
                    received++;
                }
                if (received > 0)
                {
                    state.Received(received);
                    credits.Release(received);
                }
                else if (sender.IsCompleted) await sender; // its failure is this connection's failure
                else await ReadMoreAsync(state.Stopped);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try { await sender; }
            catch (OperationCanceledException) { }
        }
    }

    private void Record(RunState state, long elapsed)
    {
        Volatile.Write(ref Completed, Completed + 1);
        if (!state.Measuring) return;
        Histogram.RecordValue(elapsed);
        Echoes++;
    }

    /// <summary>Takes one whole echo from the buffer if it is there, checking it; false when more bytes are needed.</summary>
    private bool TryTakeEcho()
    {
        // §5.2 server frame: FIN + binary, unmasked, 7/16/64-bit length.
        if (_buffered < 2) return false;
        int length7 = _buffer[1] & 0x7F;
        int header = length7 == 126 ? 4 : length7 == 127 ? 10 : 2;
        if (_buffered < header) return false;
        long length = header switch
        {
            4 => BinaryPrimitives.ReadUInt16BigEndian(_buffer.AsSpan(2)),
            10 => (long)BinaryPrimitives.ReadUInt64BigEndian(_buffer.AsSpan(2)),
            _ => length7,
        };
        if (_buffer[0] != 0x82 || (_buffer[1] & 0x80) != 0 || length != _payload.Length)
            throw new InvalidDataException($"unexpected frame: byte0=0x{_buffer[0]:X2}, length {length}, expected a {_payload.Length}-byte binary frame");
        int total = header + _payload.Length;
        if (_buffered < total) return false;
        if (!_buffer.AsSpan(header, _payload.Length).SequenceEqual(_payload))
            throw new InvalidDataException("echo differs from the message sent");
        _buffered -= total;
        if (_buffered > 0) Buffer.BlockCopy(_buffer, total, _buffer, 0, _buffered);
        return true;
    }

    private async ValueTask ReadMoreAsync(CancellationToken cancellation)
    {
        if (_buffered == _buffer.Length) throw new InvalidDataException("an echo larger than the receive buffer");
        int n = await _connection.Stream.ReadAsync(_buffer.AsMemory(_buffered), cancellation);
        if (n == 0) throw new EndOfStreamException("server closed the connection");
        _buffered += n;
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}

/// <summary>
/// The phase every loop of a run checks between round trips, and the gate that pauses them. The server is read only
/// while the load is paused and nothing is in flight, so that its costs between two readings belong exactly to the
/// echoes completed between them (a reading takes an HTTP request: on a busy server, long enough to blur the edges).
/// </summary>
internal sealed class RunState
{
    private volatile int _phase; // 0 warm-up, 1 measuring, 2 draining (not measured), 3 stopping
    private volatile TaskCompletionSource? _paused;
    private readonly CancellationTokenSource _stopped = new();
    private long _inFlight;

    /// <summary>Canceled at <see cref="Stop"/>: ends reads that wait for echoes no one will send any more.</summary>
    public CancellationToken Stopped => _stopped.Token;

    public bool Measuring => _phase == 1;

    public bool Stopping => _phase == 3;

    public long InFlight => Interlocked.Read(ref _inFlight);

    public void StartMeasuring()
    {
        _phase = 1;
        Resume();
    }

    /// <summary>The measured window is over: what is in flight completes unmeasured, nothing new is sent.</summary>
    public void EndMeasuring()
    {
        _phase = 2;
        Pause();
    }

    public void Stop()
    {
        _phase = 3;
        Resume();
        _stopped.Cancel();
    }

    public void Pause() => _paused ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Resume()
    {
        var paused = _paused;
        _paused = null;
        paused?.TrySetResult();
    }

    /// <summary>
    /// Claims <paramref name="messages"/> for sending: false (and nothing claimed) while paused. Counting first and
    /// checking after means a pause never misses a message about to be sent.
    /// </summary>
    public bool TrySend(int messages)
    {
        Interlocked.Add(ref _inFlight, messages);
        if (_paused is null) return true;
        Interlocked.Add(ref _inFlight, -messages);
        return false;
    }

    public void Received(int messages) => Interlocked.Add(ref _inFlight, -messages);

    public Task WhenResumed() => _paused?.Task ?? Task.CompletedTask;

    /// <summary>Pauses the loops and waits until nothing is in flight.</summary>
    public async Task QuiesceAsync(TimeSpan timeout, CancellationToken cancellation = default)
    {
        Pause();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (InFlight > 0)
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"{InFlight} messages still in flight {timeout.TotalSeconds:0} s after pausing the load");
            await Task.Delay(1, cancellation);
        }
    }
}
