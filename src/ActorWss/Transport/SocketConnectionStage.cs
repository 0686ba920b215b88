using System.Buffers;
using System.Net.Sockets;
using ActorWss.Buffers;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Stage;

namespace ActorWss.Transport;

/// <summary>
/// One accepted socket as a stream stage: bytes to send in, bytes received out. The stage owns the socket and calls
/// it directly: a send or receive that the kernel completes at once (the common case for sends) is handled in the
/// same step, with no message to another actor; one that has to wait re-enters the stage through an async callback.
/// Compared with <c>TcpStream()</c> (an Akka.IO connection actor beside the stream, a message per read, write and
/// ack), an echo costs one thread hop instead of about four.
/// <para>
/// Closing, as with half-close in Akka.IO: when the input completes, pending bytes are sent and a FIN follows, and
/// reading goes on until the peer closes; when both directions are done the socket is closed. A failed input
/// aborts the connection with a reset. Once nobody above reads any more (the connection is ending), a send that waits
/// for a peer that does not read gets <see cref="PendingSendLinger"/>, and the connection is then reset: a peer that
/// never reads cannot hold a closing connection open.
/// </para>
/// </summary>
internal sealed class SocketConnectionStage(Socket socket, int receiveBufferBytes) : GraphStage<FlowShape<ByteString, ByteString>>
{
    /// <summary>How long a send may wait for a peer that does not read, once the connection is ending.</summary>
    public static readonly TimeSpan PendingSendLinger = TimeSpan.FromSeconds(5);

    private readonly Inlet<ByteString> _in = new("socket.send");
    private readonly Outlet<ByteString> _out = new("socket.receive");

    public override FlowShape<ByteString, ByteString> Shape => new(_in, _out);

    private Socket Socket { get; } = socket;

    private int ReceiveBufferBytes { get; } = receiveBufferBytes;

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("socket");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string LingerTimer = "linger";
        private readonly SocketConnectionStage _stage;
        private readonly Socket _socket;
        private readonly byte[] _receiveBuffer;
        private readonly Action _receiveContinuation;
        private readonly Action _sendContinuation;
        private Action<(int Bytes, SocketError Error)>? _onReceived;
        private Action<(int Bytes, SocketError Error)>? _onSent;
        private ValueTask<int> _pendingReceive;
        private ValueTask<int> _pendingSend;
        private byte[]? _sendBuffer;
        private bool _sending;
        private bool _outputShutdown;
        private bool _peerClosed;
        private bool _closed;

        public Logic(SocketConnectionStage stage) : base(stage.Shape)
        {
            _stage = stage;
            _socket = stage.Socket;
            _receiveBuffer = new byte[stage.ReceiveBufferBytes];
            _receiveContinuation = () => _onReceived!(Result(_pendingReceive));
            _sendContinuation = () => _onSent!(Result(_pendingSend));

            SetHandler(stage._out, onPull: Receive, onDownstreamFinish: _ =>
            {
                // Nobody reads any more: close once our own bytes are out.
                if (IsClosed(stage._in) && !_sending) Close();
                else LingerIfStuck();
            });
            SetHandler(stage._in, onPush: () => Send(Grab(stage._in)), onUpstreamFinish: () =>
            {
                if (!_sending) FinishOutput();
            }, onUpstreamFailure: cause => Abort(cause));
        }

        public override void PreStart()
        {
            _onReceived = GetAsyncCallback<(int, SocketError)>(OnReceived);
            _onSent = GetAsyncCallback<(int, SocketError)>(OnSent);
            Pull(_stage._in);
        }

        public override void PostStop() => Close();

        // ---- receive ------------------------------------------------------------------------------------------

        private void Receive()
        {
            if (_closed) return;
            ValueTask<int> receive;
            try { receive = _socket.ReceiveAsync(_receiveBuffer.AsMemory(), SocketFlags.None); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                Fail(e);
                return;
            }
            if (receive.IsCompleted)
            {
                OnReceived(Result(receive));
                return;
            }
            _pendingReceive = receive;
            receive.GetAwaiter().UnsafeOnCompleted(_receiveContinuation);
        }

        private void OnReceived((int Bytes, SocketError Error) result)
        {
            if (_closed || IsClosed(_stage._out)) return;
            if (result.Error != SocketError.Success)
            {
                Fail(new SocketException((int)result.Error));
                return;
            }
            if (result.Bytes == 0)
            {
                _peerClosed = true;
                Complete(_stage._out);
                if (IsClosed(_stage._in) && !_sending) Close();
                return;
            }
            Push(_stage._out, ByteStrings.CopyOf(_receiveBuffer.AsSpan(0, result.Bytes)));
        }

        // ---- send ---------------------------------------------------------------------------------------------

        private void Send(ByteString bytes)
        {
            int count = bytes.Count;
            if (_sendBuffer is null || _sendBuffer.Length < count)
            {
                if (_sendBuffer is not null) ArrayPool<byte>.Shared.Return(_sendBuffer);
                _sendBuffer = ArrayPool<byte>.Shared.Rent(count);
            }
            bytes.CopyPrefixTo(_sendBuffer);
            ValueTask<int> send;
            try { send = _socket.SendAsync(_sendBuffer.AsMemory(0, count), SocketFlags.None); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                Fail(e);
                return;
            }
            if (send.IsCompleted)
            {
                OnSent(Result(send));
                return;
            }
            _sending = true;
            _pendingSend = send;
            send.GetAwaiter().UnsafeOnCompleted(_sendContinuation);
            LingerIfStuck();
        }

        private void OnSent((int Bytes, SocketError Error) result)
        {
            _sending = false;
            CancelTimer(LingerTimer);
            if (_closed) return;
            if (result.Error != SocketError.Success)
            {
                Fail(new SocketException((int)result.Error));
                return;
            }
            if (IsClosed(_stage._in)) FinishOutput();
            else Pull(_stage._in);
        }

        // ---- closing ------------------------------------------------------------------------------------------

        /// <summary>The connection is ending (nobody reads) and a send waits for the peer: it gets a deadline.</summary>
        private void LingerIfStuck()
        {
            if (_sending && IsClosed(_stage._out) && !IsTimerActive(LingerTimer)) ScheduleOnce(LingerTimer, PendingSendLinger);
        }

        protected override void OnTimer(object timerKey)
        {
            if (_sending && !_closed) Abort(new IOException($"the peer read nothing for {PendingSendLinger.TotalSeconds:0} s after the connection was done"));
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
            try { _socket.Shutdown(SocketShutdown.Both); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { /* the peer may be gone already */ }
            _socket.Dispose();
            ReturnSendBuffer();
            CompleteStage();
        }

        private void Abort(Exception cause)
        {
            if (!_closed)
            {
                _closed = true;
                try { _socket.LingerState = new LingerOption(true, 0); } // close() now sends RST
                catch (Exception e) when (e is SocketException or ObjectDisposedException) { }
                _socket.Dispose();
                ReturnSendBuffer();
            }
            FailStage(cause);
        }

        // The layers above say "connection failed: " themselves: the message is the socket's own.
        private void Fail(Exception cause) => Abort(new IOException(cause.Message, cause));

        private void ReturnSendBuffer()
        {
            if (_sendBuffer is null || _sending) return; // a send still in flight keeps its buffer (the GC takes it)
            ArrayPool<byte>.Shared.Return(_sendBuffer);
            _sendBuffer = null;
        }

        /// <summary>Reads a socket operation's outcome once, as a value: errors are values here, not exceptions.</summary>
        private static (int, SocketError) Result(ValueTask<int> operation)
        {
            try { return (operation.GetAwaiter().GetResult(), SocketError.Success); }
            catch (SocketException e) { return (0, e.SocketErrorCode); }
            catch (ObjectDisposedException) { return (0, SocketError.OperationAborted); }
            catch (OperationCanceledException) { return (0, SocketError.OperationAborted); }
        }
    }
}
