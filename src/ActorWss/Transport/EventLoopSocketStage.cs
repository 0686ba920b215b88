using System.Net.Sockets;
using ActorWss.Buffers;
using ActorWss.Transport.EventLoops;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;
using ActorWss.Streams;

namespace ActorWss.Transport;

/// <summary>
/// One accepted socket as a stream stage that runs on an event loop (<see cref="EventLoop"/>): the connection's stream
/// interpreter runs on the loop that polls its socket, so a message in costs no thread hop at all: the loop sees the
/// socket readable, runs the interpreter, which reads, handles and sends (non-blocking calls that complete at once)
/// in the same pass. The socket is registered edge-triggered; readiness re-enters the stage through an async callback,
/// which on the loop's own thread is queued to the same loop pass.
/// <para>
/// No buffer belongs to the connection: reads go through the loop's shared receive buffer (one read at a time per
/// loop), and what is read is copied out at its exact size. Writes that the kernel does not take at once wait for
/// writability, at most <c>send-timeout</c>. Closing follows the socket transport: half-close when the input completes,
/// reading on until the peer closes, a reset on failure, and a stuck send of a connection that nobody reads any more
/// gets <see cref="SocketConnectionStage.PendingSendLinger"/>.
/// </para>
/// </summary>
/// <remarks>
/// Writes coalesce here: while a write waits for the kernel, bytes offered meanwhile are appended to it, up to
/// <c>write-coalesce-bytes</c>, and go out together (no batching stage above the socket). With <c>cork</c>, writes
/// also wait for the end of the stream's run on the loop (<see cref="EventLoop.FlushAfterWork"/>): the echoes of
/// many messages read at once leave in one write, as they do from Kestrel, instead of one system call each.
/// </remarks>
/// <param name="ended">Completed when the socket is closed (faulted with the failure that closed it); materialize once.</param>
internal sealed class EventLoopSocketStage(Socket socket, TimeSpan? sendTimeout, int coalesceBytes = 64 * 1024, TaskCompletionSource? ended = null,
    bool cork = true)
    : GraphStage<FlowShape<ByteString, ByteString>>
{
    private readonly Inlet<ByteString> _in = new("socket.send");
    private readonly Outlet<ByteString> _out = new("socket.receive");

    public override FlowShape<ByteString, ByteString> Shape => new(_in, _out);

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("socket");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this, socket, sendTimeout, coalesceBytes, ended, cork);

    private sealed class Logic : ConnectionStageLogic, IReadinessHandler, IFlushAfterWork, IInHandler, IOutHandler
    {
        private static readonly object StageLogSource = LogSourceOf("socket", typeof(EventLoopSocketStage));

        private const string SendTimer = "send-timeout", LingerTimer = "linger";

        /// <summary>
        /// Not an epoll event (the kernel never reports EPOLLONESHOT's bit back): a corked write the kernel did not take
        /// whole, noted with the readiness so that one async callback re-enters the stage for both (each callback is
        /// about 0.3 KiB that every idle connection would keep).
        /// </summary>
        private const uint FlushStalledEvent = 1u << 30;

        private readonly EventLoopSocketStage _stage;
        private readonly Socket _socket;
        private readonly TimeSpan? _sendTimeout;
        private readonly int _coalesceBytes;
        private readonly TaskCompletionSource? _ended;
        private readonly bool _cork;
        private Exception? _failure;
        private int _progress; // bytes the peer took since the send timer started: each SendTimeout.ChunkBytes restarts it
        private EventLoop? _loop;
        private ulong _token;
        private Action? _onReady;
        private uint _readyEvents;     // readiness seen by the loop and not yet handled by the stage
        private bool _readable = true;  // edge-triggered: assume data until a read says otherwise
        private bool _hungUp;           // the peer closed or reset: read until the read says so, whatever its size
        private bool _writable = true;
        private ByteString? _unsent;    // what the kernel has not taken yet
        private ByteString? _corked;    // what this run of the stream has produced so far, sent when the run returns
        private SocketError _flushError; // a corked write that failed outside the stream, for the stream to fail with
        private bool _outputShutdown;
        private bool _peerClosed;
        private bool _closed;

        public Logic(EventLoopSocketStage stage, Socket socket, TimeSpan? sendTimeout, int coalesceBytes, TaskCompletionSource? ended, bool cork)
            : base(1, 1, StageLogSource)
        {
            _ended = ended;
            _cork = cork;
            _stage = stage;
            _socket = socket;
            _sendTimeout = sendTimeout;
            _coalesceBytes = coalesceBytes;
            SetHandler(stage._out, (IOutHandler)this); // the logic handles its ports itself: no delegates per connection
            SetHandler(stage._in, (IInHandler)this);
        }

        void IOutHandler.OnPull() => TryReceive();

        void IOutHandler.OnDownstreamFinish(Exception cause)
        {
            // Nobody reads any more: close once our own bytes are out.
            Uncork();
            if (_closed) return;
            if (IsClosed(_stage._in) && _unsent is null) Close();
            else LingerIfStuck();
        }

        void IInHandler.OnPush() => OnSendPush();

        void IInHandler.OnUpstreamFinish()
        {
            Uncork();
            if (_closed) return;
            if (_unsent is null) FinishOutput();
        }

        void IInHandler.OnUpstreamFailure(Exception e) => Abort(e);

        public override void PreStart()
        {
            _loop = EventLoop.Current ?? throw new InvalidOperationException(
                "the event-loop transport's connection streams must run on the event-loop dispatcher (actorwss.transport.event-loop-dispatcher)");
            _onReady = GetAsyncCallback(OnReadiness);
            try
            {
                _socket.Blocking = false;
                _token = _loop.Register((int)_socket.Handle, this);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
            {
                Fail(e);
                return;
            }
            Pull(_stage._in);
        }

        protected override void OnStop()
        {
            Close();
            if (_failure is null) _ended?.TrySetResult();
            else _ended?.TrySetException(_failure);
        }

        /// <summary>On the loop's thread, between passes: note what is ready and enter the stage once for all of it.</summary>
        void IReadinessHandler.OnReady(uint events) => Note(events);

        private void Note(uint events)
        {
            bool first = _readyEvents == 0;
            _readyEvents |= events;
            if (first) _onReady!();
        }

        private void OnReadiness()
        {
            uint events = _readyEvents;
            _readyEvents = 0;
            if (_closed) return;
            bool flushStalled = (events & FlushStalledEvent) != 0 && _unsent is not null;
            if (flushStalled && _flushError != SocketError.Success)
            {
                Fail(new SocketException((int)_flushError));
                return;
            }
            if ((events & (Epoll.In | Epoll.RdHup | Epoll.Hup | Epoll.Err)) != 0) _readable = true;
            if ((events & (Epoll.RdHup | Epoll.Hup | Epoll.Err)) != 0) _hungUp = true;
            if ((events & (Epoll.Out | Epoll.Hup | Epoll.Err)) != 0) _writable = true;
            if (_unsent is not null && _writable) ContinueSend(); // writable again, perhaps before the stall was seen here
            else if (flushStalled) Stalled();
            if (!_closed && IsAvailable(_stage._out)) TryReceive();
        }

        // ---- receive ------------------------------------------------------------------------------------------

        private void TryReceive()
        {
            if (_closed || !_readable) return;
            var buffer = _loop!.ReceiveBuffer;
            int n = _socket.Receive(buffer, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                _readable = false;
                return;
            }
            if (error != SocketError.Success)
            {
                Fail(new SocketException((int)error));
                return;
            }
            if (n == 0)
            {
                _peerClosed = true;
                Uncork();
                if (_closed) return;
                Complete(_stage._out);
                if (IsClosed(_stage._in) && _unsent is null) Close();
                return;
            }
            // A read that did not fill the buffer took all there was: with edge-triggered polling, more data brings a new
            // event. Not so the end of input: a FIN or reset that came before this read gives no new event, so once the
            // peer has hung up, reading goes on until the read itself reports the end.
            if (n < buffer.Length && !_hungUp) _readable = false;
            Push(_stage._out, ByteStrings.CopyOf(buffer.AsSpan(0, n)));
        }

        // ---- send ---------------------------------------------------------------------------------------------

        private void OnSendPush()
        {
            var bytes = Grab(_stage._in);
            if (_unsent is null && _cork)
            {
                Cork(bytes);
                return;
            }
            if (_unsent is null)
            {
                _unsent = bytes;
                ContinueSend();
                return;
            }
            // A write is waiting for the kernel: these bytes join it.
            _unsent = _unsent.Concat(bytes);
            PullWhileWaiting();
        }

        /// <summary>While a write waits, take more to send with it, up to the coalescing limit (beyond it: back-pressure).</summary>
        private void PullWhileWaiting()
        {
            if (_unsent!.Count < _coalesceBytes && !IsClosed(_stage._in) && !HasBeenPulled(_stage._in)) Pull(_stage._in);
        }

        /// <summary>Holds <paramref name="bytes"/> until this run of the stream returns, taking more meanwhile.</summary>
        private void Cork(ByteString bytes)
        {
            if (_corked is null)
            {
                _corked = bytes;
                _loop!.FlushAfterWork(this);
            }
            else
            {
                _corked = _corked.Concat(bytes);
            }
            if (_corked.Count >= _coalesceBytes) Uncork();
            else Pull(_stage._in);
        }

        /// <summary>Sends what is corked now, inside the stream (closing, or the coalescing limit reached).</summary>
        private void Uncork()
        {
            if (_corked is not { } corked) return;
            _corked = null;
            _unsent = corked;
            ContinueSend();
        }

        /// <summary>
        /// The stream's run returned (on the loop's thread, outside the interpreter): the corked bytes go out. The stage
        /// pulled its inlet when it corked, so a write the kernel takes whole needs nothing from the stream; one it does
        /// not take (or a failed one) re-enters the stream, which waits for writability or fails as for any write.
        /// </summary>
        void IFlushAfterWork.Flush()
        {
            if (_corked is not { } corked || _closed || _unsent is not null) return;
            _corked = null;
            var rest = SendNow(corked, out var error);
            if (rest.IsEmpty) return;
            _unsent = rest;
            if (error == SocketError.WouldBlock) _writable = false;
            else _flushError = error;
            Note(FlushStalledEvent);
        }

        /// <summary>Writes what the kernel takes of <paramref name="bytes"/> without blocking; returns the rest.</summary>
        private ByteString SendNow(ByteString bytes, out SocketError error)
        {
            error = SocketError.Success;
            while (!bytes.IsEmpty)
            {
                int sent;
                if (bytes.IsCompact)
                {
                    sent = _socket.Send(bytes.ToReadOnlySpan(), SocketFlags.None, out error);
                }
                else
                {
                    // A rope (a frame header and its payload, a batch of frames): gathered into the loop's buffer.
                    var scratch = _loop!.ReceiveBuffer;
                    int count = bytes.CopyPrefixTo(scratch);
                    sent = _socket.Send(scratch.AsSpan(0, count), SocketFlags.None, out error);
                }
                if (error != SocketError.Success) return bytes;
                bytes = sent == bytes.Count ? ByteString.Empty : bytes.Slice(sent);
                // Progress is counted per 64 KiB (actorwss.transport.send-timeout): a slow reader that keeps taking
                // keeps its connection, however much waits behind (a large message, or writes coalesced meanwhile).
                _progress += sent;
                if (_progress >= SendTimeout.ChunkBytes && IsTimerActive(SendTimer))
                {
                    CancelTimer(SendTimer);
                    _progress = 0;
                }
            }
            return bytes;
        }

        /// <summary>The kernel takes no more now: wait for writability, at most the send timeout.</summary>
        private void Stalled()
        {
            if (_sendTimeout is { } timeout && !IsTimerActive(SendTimer))
            {
                ScheduleOnce(SendTimer, timeout);
                _progress = 0;
            }
            LingerIfStuck();
            PullWhileWaiting();
        }

        /// <summary>Writes what the kernel takes now; the rest waits for writability.</summary>
        private void ContinueSend()
        {
            var rest = SendNow(_unsent!, out var error);
            if (!rest.IsEmpty)
            {
                _unsent = rest;
                if (error != SocketError.WouldBlock)
                {
                    Fail(new SocketException((int)error));
                    return;
                }
                _writable = false;
                Stalled();
                return;
            }
            _unsent = null;
            CancelTimer(SendTimer);
            CancelTimer(LingerTimer);
            if (IsClosed(_stage._in)) FinishOutput();
            else if (!HasBeenPulled(_stage._in)) Pull(_stage._in);
        }

        // ---- closing ------------------------------------------------------------------------------------------

        /// <summary>The connection is ending (nobody reads) and a send waits for the peer: it gets a deadline.</summary>
        private void LingerIfStuck()
        {
            if (_unsent is not null && IsClosed(_stage._out) && !IsTimerActive(LingerTimer))
                ScheduleOnce(LingerTimer, SocketConnectionStage.PendingSendLinger);
        }

        protected override void OnTimer(object timerKey)
        {
            if (_closed || _unsent is null) return;
            Abort(timerKey is SendTimer
                ? new IOException($"the peer took no data for {_sendTimeout!.Value.TotalSeconds:0.#} s (actorwss.transport.send-timeout)")
                : new IOException($"the peer read nothing for {SocketConnectionStage.PendingSendLinger.TotalSeconds:0} s after the connection was done"));
        }

        /// <summary>Everything is sent: FIN, and keep reading until the peer closes (unless it already did, or nobody reads).</summary>
        private void FinishOutput()
        {
            if (_peerClosed || IsClosed(_stage._out))
            {
                Close();
                return;
            }
            if (_outputShutdown) return;
            _outputShutdown = true;
            try { _socket.Shutdown(SocketShutdown.Send); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { Close(); }
        }

        private void Close()
        {
            if (_closed) return;
            _closed = true;
            Unregister();
            try { _socket.Shutdown(SocketShutdown.Both); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { /* the peer may be gone already */ }
            _socket.Dispose();
            CompleteStage();
        }

        private void Abort(Exception cause)
        {
            _failure ??= cause;
            if (!_closed)
            {
                _closed = true;
                Unregister();
                try { _socket.LingerState = new LingerOption(true, 0); } // close() now sends RST
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
                _socket.Dispose();
            }
            FailStage(cause);
        }

        private void Unregister()
        {
            if (_token == 0) return;
            try { _loop!.Unregister((int)_socket.Handle, _token); }
            catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException) { }
            _token = 0;
        }

        // The layers above say "connection failed: " themselves: the message is the socket's own.
        private void Fail(Exception cause) => Abort(new IOException(cause.Message, cause));
    }
}
