using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using ActorWss.Buffers;
using ActorWss.Configuration;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace ActorWss.WebSocket;

/// <summary>
/// The protocol layer (RFC 6455 §5-§8): frame events in, whole messages out to the handler; handler messages out
/// as frames. Enforces the frame rules, assembles fragments, validates text, answers pings, runs the closing
/// handshake, and keeps the idle and keep-alive timers.
/// <code>
///   frame events    ~> [ validate, assemble, control ] ~> messages to the handler
///   outbound frames &lt;~ [ data, pong, ping, close      ] &lt;~ messages from the handler
/// </code>
/// Back-pressure: a whole message waits for the handler's demand, and no frame is read meanwhile. Besides that one
/// message (at most <see cref="WebSocketSettings.MaxMessageSize"/>), the stage buffers one outbound data frame, one
/// pong and one close: nothing grows without bound.
/// </summary>
internal static class WebSocketProtocol
{
    /// <param name="control">The connection's handle (the pipeline shares it with other layers); null: a new one.</param>
    public static BidiFlow<FrameEvent, Message, Message, OutboundFrame, WebSocketControl> Create(WebSocketSettings settings,
        IWebSocketObserver? observer = null, WebSocketControl? control = null) =>
        BidiFlow.FromGraph(new WebSocketProtocolStage(settings, observer, control));
}

internal sealed class WebSocketProtocolStage(WebSocketSettings settings, IWebSocketObserver? observer, WebSocketControl? control)
    : GraphStageWithMaterializedValue<BidiShape<FrameEvent, Message, Message, OutboundFrame>, WebSocketControl>
{
    private readonly Inlet<FrameEvent> _netIn = new("ws-protocol.net-in");
    private readonly Outlet<Message> _appOut = new("ws-protocol.app-out");
    private readonly Inlet<Message> _appIn = new("ws-protocol.app-in");
    private readonly Outlet<OutboundFrame> _netOut = new("ws-protocol.net-out");

    public override BidiShape<FrameEvent, Message, Message, OutboundFrame> Shape => new(_netIn, _appOut, _appIn, _netOut);

    private WebSocketSettings Settings { get; } = settings;

    private IWebSocketObserver? Observer { get; } = observer;

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("ws-protocol");

    public override ILogicAndMaterializedValue<WebSocketControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var handle = control ?? new WebSocketControl();
        return new LogicAndMaterializedValue<WebSocketControl>(new Logic(this, handle), handle);
    }

    private enum State
    {
        /// <summary>Messages flow both ways.</summary>
        Open,
        /// <summary>This side sent Close first and waits for the peer's Close (§7.1.2).</summary>
        Closing,
        /// <summary>The closing handshake is over, or the connection failed: waiting for TCP to close.</summary>
        Closed,
    }

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string CloseTimer = "close-timeout";
        private const string TickTimer = "tick";

        private readonly WebSocketProtocolStage _stage;
        private readonly WebSocketSettings _settings;
        private readonly WebSocketControl _control;
        private readonly IWebSocketObserver? _observer;
        private State _state = State.Open;

        // The frame being received.
        private bool _inControlFrame;
        private Opcode _controlOpcode;
        private ByteString _controlPayload = ByteString.Empty;
        private bool _frameFin;

        // The message being assembled.
        private bool _inMessage;
        private MessageType _messageType;
        private readonly List<ByteString> _parts = new(4);
        private long _messageLength;
        private Utf8Validator _utf8;
        private Message? _pendingMessage;
        private bool _completeAppOutAfterPending;

        // Outbound, in the order they are sent.
        private OutboundFrame? _pendingAppFrame;
        private ByteString? _pendingPong;
        private bool _pendingPing;
        private OutboundFrame? _pendingClose;
        private bool _completeNetOutAfterClose;

        // Closing handshake record (§7.1.5, §7.1.6).
        private bool _closeSent;
        private bool _closeReceived;
        private bool _closedByPeer;
        private ushort? _sentCode;
        private ushort? _receivedCode;
        private string? _closeReason;

        private long _lastInbound = Environment.TickCount64;
        private long _lastOutbound = Environment.TickCount64;

        public Logic(WebSocketProtocolStage stage, WebSocketControl control) : base(stage.Shape)
        {
            _stage = stage;
            _settings = stage.Settings;
            _observer = stage.Observer;
            _control = control;

            SetHandler(stage._netIn, onPush: () =>
            {
                OnFrameEvent(Grab(stage._netIn));
                PullNetInIfAllowed();
            }, onUpstreamFinish: OnPeerGone, onUpstreamFailure: cause =>
            {
                _receivedCode ??= CloseStatus.Abnormal;
                _closeReason ??= "connection failed: " + cause.Message;
                FailStage(cause);
            });

            SetHandler(stage._appOut, onPull: () =>
            {
                if (_pendingMessage is { } message)
                {
                    _pendingMessage = null;
                    Push(stage._appOut, message);
                    if (_completeAppOutAfterPending) Complete(stage._appOut);
                }
                PullNetInIfAllowed();
            }, onDownstreamFinish: _ =>
            {
                // The handler wants no more messages: close normally (§7.1.2).
                if (_state == State.Open) InitiateClose(CloseStatus.Normal, "");
            });

            SetHandler(stage._appIn, onPush: () =>
            {
                var message = Grab(stage._appIn);
                if (_state != State.Open) return; // §5.5.1: no data frames after a Close
                _observer?.OnMessageSent(message.Type, message.Payload.Count);
                _pendingAppFrame = OutboundFrame.Of(message);
                FlushOutbound();
            }, onUpstreamFinish: () =>
            {
                if (_state == State.Open) InitiateClose(CloseStatus.Normal, "");
            }, onUpstreamFailure: cause =>
            {
                Log.Error(cause, "WebSocket handler failed");
                if (_state == State.Open) FailConnection(CloseStatus.InternalError, "internal error");
            });

            SetHandler(stage._netOut, onPull: FlushOutbound, onDownstreamFinish: _ =>
            {
                _receivedCode ??= CloseStatus.Abnormal;
                CompleteStage();
            });
        }

        public override void PreStart()
        {
            Pull(_stage._netIn);
            var period = TickPeriod();
            if (period is { } p) ScheduleRepeatedly(TickTimer, p);
            _control.Attach(GetAsyncCallback<(ushort Code, string Reason)>(request => InitiateClose(request.Code, request.Reason)));
        }

        public override void PostStop() =>
            _control.SetClosed(new WebSocketCloseInfo(_sentCode, _receivedCode, _closeReason, _closeSent && _closeReceived, _closedByPeer));

        // ---- inbound ------------------------------------------------------------------------------------------

        private void OnFrameEvent(FrameEvent frameEvent)
        {
            _lastInbound = Environment.TickCount64;
            if (_state == State.Closed) return; // draining until the peer closes TCP

            switch (frameEvent)
            {
                case FrameStart start:
                    OnFrameStart(start);
                    break;
                case FrameData data:
                    if (_inControlFrame) _controlPayload = _controlPayload.Concat(data.Data);
                    else if (!AppendData(data.Data)) return;
                    if (data.LastPart) OnEndOfFrame();
                    break;
                case FrameError error:
                    FailConnection(CloseStatus.ProtocolError, error.Reason);
                    break;
            }
        }

        private void OnFrameStart(FrameStart start)
        {
            var header = start.Header;
            if (Violation(header) is { } violation)
            {
                FailConnection(violation.Code, violation.Reason);
                return;
            }
            _inControlFrame = header.Opcode.IsControl();
            if (_inControlFrame)
            {
                _controlOpcode = header.Opcode;
                _controlPayload = start.Data;
            }
            else
            {
                if (header.Opcode != Opcode.Continuation)
                    StartMessage(header.Opcode == Opcode.Text ? MessageType.Text : MessageType.Binary);
                _frameFin = header.Fin;
                if (!AppendData(start.Data)) return;
            }
            if (start.LastPart) OnEndOfFrame();
        }

        /// <summary>The rules a frame header must meet before any of its payload is read.</summary>
        private (ushort Code, string Reason)? Violation(in FrameHeader header)
        {
            // §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated"; none is.
            if (header.Rsv != 0) return (CloseStatus.ProtocolError, "RSV bits set without a negotiated extension");
            // §5.2: reserved opcodes.
            if (!header.Opcode.IsDefined()) return (CloseStatus.ProtocolError, $"reserved opcode 0x{(byte)header.Opcode:X}");
            // §5.1: "The server MUST close the connection upon receiving a frame that is not masked."
            if (!header.Masked) return (CloseStatus.ProtocolError, "client frame is not masked");
            if (header.Opcode.IsControl())
            {
                // §5.5: "All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented."
                if (!header.Fin) return (CloseStatus.ProtocolError, "fragmented control frame");
                if (header.Length > Protocol.MaxControlPayloadLength)
                    return (CloseStatus.ProtocolError, "control frame payload longer than 125 bytes");
                return null;
            }
            if (_state != State.Open) return null; // data after our Close is discarded unchecked
            // §5.4: fragments of one message are not interleaved with other data frames.
            if (header.Opcode == Opcode.Continuation && !_inMessage)
                return (CloseStatus.ProtocolError, "continuation frame without a message to continue");
            if (header.Opcode != Opcode.Continuation && _inMessage)
                return (CloseStatus.ProtocolError, "new data frame before the fragmented message ended");
            // §7.4.1 (1009): refuse before reading the payload.
            long maxMessageSize = _control.MaxMessageSize ?? _settings.MaxMessageSize;
            if (_messageLength + header.Length > maxMessageSize)
                return (CloseStatus.MessageTooBig, $"message larger than {maxMessageSize} bytes");
            return null;
        }

        private void StartMessage(MessageType type)
        {
            _inMessage = true;
            _messageType = type;
            _messageLength = 0;
            _parts.Clear();
            _utf8.Reset();
        }

        /// <summary>Adds payload to the message; false when that failed the connection.</summary>
        private bool AppendData(ByteString data)
        {
            if (_state != State.Open || data.IsEmpty) return true;
            _messageLength += data.Count;
            // §8.1: fail at the first invalid byte, not at the end of the message.
            if (_messageType == MessageType.Text && !FeedUtf8(data))
            {
                FailConnection(CloseStatus.InvalidPayload, "text message is not valid UTF-8");
                return false;
            }
            _parts.Add(data);
            return true;
        }

        private bool FeedUtf8(ByteString data) => _utf8.Feed(data.AsContiguousSpan());

        private void OnEndOfFrame()
        {
            if (_inControlFrame) OnControlFrame(_controlOpcode, _controlPayload);
            else if (_frameFin) OnEndOfMessage();
        }

        private void OnEndOfMessage()
        {
            _inMessage = false;
            if (_state != State.Open) return;
            if (_messageType == MessageType.Text && !_utf8.IsComplete)
            {
                FailConnection(CloseStatus.InvalidPayload, "text message ends inside a UTF-8 sequence");
                return;
            }
            var payload = Join(_parts, _messageLength);
            _parts.Clear();
            var message = _messageType == MessageType.Text ? Message.TextFromUtf8(payload) : Message.Binary(payload);
            _observer?.OnMessageReceived(_messageType, payload.Count);
            if (IsAvailable(_stage._appOut)) Push(_stage._appOut, message);
            else _pendingMessage = message;
        }

        private static ByteString Join(List<ByteString> parts, long length)
        {
            if (parts.Count == 0) return ByteString.Empty;
            if (parts.Count == 1) return parts[0];
            var joined = GC.AllocateUninitializedArray<byte>((int)length); // every byte is written below
            int offset = 0;
            foreach (var part in parts) offset += part.CopyPrefixTo(joined.AsSpan(offset));
            return ByteString.FromBytes(joined);
        }

        private void OnControlFrame(Opcode opcode, ByteString payload)
        {
            _controlPayload = ByteString.Empty;
            switch (opcode)
            {
                case Opcode.Ping when _state == State.Open:
                    // §5.5.2: answer with the same payload; §5.5.3: only the latest ping needs an answer.
                    _pendingPong = payload;
                    FlushOutbound();
                    break;
                case Opcode.Close:
                    OnCloseFrame(payload);
                    break;
                // §5.5.3: an unsolicited (or late) pong gets no answer.
            }
        }

        private void OnCloseFrame(ByteString payload)
        {
            _closeReceived = true;
            // §5.5.1: an optional 2-byte code, then an optional UTF-8 reason; §7.4: the code must be one that may be sent.
            ushort? code = null;
            (ushort Code, string Reason)? violation = null;
            if (payload.Count == 1)
            {
                violation = (CloseStatus.ProtocolError, "close frame with a 1-byte payload");
            }
            else if (payload.Count >= 2)
            {
                var bytes = payload.AsContiguousSpan();
                code = BinaryPrimitives.ReadUInt16BigEndian(bytes);
                if (!CloseStatus.IsValidOnWire(code.Value)) violation = (CloseStatus.ProtocolError, $"invalid close code {code}");
                else if (!Utf8.IsValid(bytes[2..])) violation = (CloseStatus.ProtocolError, "close reason is not valid UTF-8");
            }
            _receivedCode = code ?? CloseStatus.NoStatusReceived;

            switch (_state)
            {
                case State.Open:
                    // §5.5.1: reply with a Close, echoing the code; then close TCP (§7.1.1: the server closes first).
                    _state = State.Closed;
                    _closedByPeer = true;
                    if (violation is { } v) _closeReason = v.Reason;
                    CompleteAppOutAfterPendingMessage();
                    if (!IsClosed(_stage._appIn)) Cancel(_stage._appIn);
                    QueueClose(violation?.Code ?? code ?? CloseStatus.Normal, "", completeNetOutAfter: true);
                    ScheduleOnce(CloseTimer, _settings.CloseTimeout);
                    break;
                case State.Closing:
                    // Our Close is answered: the handshake is complete.
                    _state = State.Closed;
                    _completeNetOutAfterClose = true;
                    if (_pendingClose is null && !IsClosed(_stage._netOut)) Complete(_stage._netOut);
                    break;
            }
        }

        private void OnPeerGone()
        {
            // TCP closed: without a Close frame that is an abnormal closure (§7.1.5: 1006).
            if (_receivedCode is null && !_closeSent) _closedByPeer = true;
            _receivedCode ??= CloseStatus.Abnormal;
            _state = State.Closed;
            if (_pendingClose is not null)
            {
                // Let the Close already queued go out, then finish.
                _completeNetOutAfterClose = true;
                if (!IsClosed(_stage._appOut)) Complete(_stage._appOut);
                if (!IsClosed(_stage._appIn)) Cancel(_stage._appIn);
                return;
            }
            CompleteStage();
        }

        private void PullNetInIfAllowed()
        {
            if (IsClosed(_stage._netIn) || HasBeenPulled(_stage._netIn)) return;
            // Back-pressure: a complete message waits for the handler; read nothing meanwhile.
            if (_state == State.Open && _pendingMessage is not null) return;
            Pull(_stage._netIn);
        }

        // ---- closing ------------------------------------------------------------------------------------------

        /// <summary>§7.1.2: start the closing handshake and wait for the peer's Close, at most the close timeout.</summary>
        private void InitiateClose(ushort code, string reason)
        {
            if (_state != State.Open) return;
            _state = State.Closing;
            _closeReason = reason.Length > 0 ? reason : null;
            StopMessages();
            QueueClose(code, reason, completeNetOutAfter: false);
            ScheduleOnce(CloseTimer, _settings.CloseTimeout);
            PullNetInIfAllowed();
        }

        /// <summary>
        /// §7.1.7 "Fail the WebSocket Connection": send a Close with the code, close TCP after it, and discard
        /// whatever the peer still sends until it closes (or the close timeout).
        /// </summary>
        private void FailConnection(ushort code, string reason)
        {
            _closeReason = reason;
            if (_state == State.Open)
            {
                StopMessages();
                QueueClose(code, reason, completeNetOutAfter: true);
                ScheduleOnce(CloseTimer, _settings.CloseTimeout);
            }
            else if (!IsClosed(_stage._netOut) && _pendingClose is null)
            {
                Complete(_stage._netOut);
            }
            _state = State.Closed;
            Log.Debug("Failing WebSocket connection with {0}: {1}", code, reason);
        }

        private void StopMessages()
        {
            _inMessage = false;
            _parts.Clear();
            _pendingMessage = null;
            _pendingAppFrame = null;
            if (!IsClosed(_stage._appOut)) Complete(_stage._appOut);
            if (!IsClosed(_stage._appIn)) Cancel(_stage._appIn);
        }

        private void CompleteAppOutAfterPendingMessage()
        {
            _inMessage = false;
            _parts.Clear();
            if (_pendingMessage is null) { if (!IsClosed(_stage._appOut)) Complete(_stage._appOut); }
            else _completeAppOutAfterPending = true;
        }

        private void QueueClose(ushort code, string reason, bool completeNetOutAfter)
        {
            if (_closeSent) return;
            _closeSent = true;
            _sentCode = code;
            _pendingClose = new OutboundFrame(Opcode.Close, ClosePayload(code, reason));
            _completeNetOutAfterClose = completeNetOutAfter;
            FlushOutbound();
        }

        /// <summary>§5.5.1: 2-byte code, then the reason, all within 125 bytes (a reason is cut at a character boundary).</summary>
        private static ByteString ClosePayload(ushort code, string reason)
        {
            var bytes = new byte[2 + Math.Min(Encoding.UTF8.GetByteCount(reason), Protocol.MaxControlPayloadLength - 2)];
            BinaryPrimitives.WriteUInt16BigEndian(bytes, code);
            int written = 0;
            foreach (var rune in reason.EnumerateRunes())
            {
                if (written + rune.Utf8SequenceLength > bytes.Length - 2) break;
                written += rune.EncodeToUtf8(bytes.AsSpan(2 + written));
            }
            return ByteString.FromBytes(bytes, 0, 2 + written);
        }

        // ---- outbound -----------------------------------------------------------------------------------------

        private void FlushOutbound()
        {
            if (!IsAvailable(_stage._netOut)) return;
            if (_pendingAppFrame is { } frame)
            {
                _pendingAppFrame = null;
                PushOut(frame);
            }
            else if (_pendingPong is { } pong)
            {
                _pendingPong = null;
                PushOut(new OutboundFrame(Opcode.Pong, pong));
            }
            else if (_pendingPing)
            {
                _pendingPing = false;
                PushOut(new OutboundFrame(Opcode.Ping, ByteString.Empty));
            }
            else if (_pendingClose is { } close)
            {
                _pendingClose = null;
                PushOut(close);
                if (_completeNetOutAfterClose) Complete(_stage._netOut);
            }
            else if (_state == State.Open && !IsClosed(_stage._appIn) && !HasBeenPulled(_stage._appIn))
            {
                Pull(_stage._appIn);
            }
        }

        private void PushOut(OutboundFrame frame)
        {
            _lastOutbound = Environment.TickCount64;
            Push(_stage._netOut, frame);
        }

        // ---- timers -------------------------------------------------------------------------------------------

        private TimeSpan? TickPeriod()
        {
            var shortest = (_settings.IdleTimeout, _settings.KeepAliveInterval) switch
            {
                ({ } idle, { } keepAlive) => idle < keepAlive ? idle : keepAlive,
                ({ } idle, null) => idle,
                (null, { } keepAlive) => keepAlive,
                _ => (TimeSpan?)null,
            };
            if (shortest is not { } s) return null;
            var quarter = s / 4;
            return quarter < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10)
                : quarter > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : quarter;
        }

        protected override void OnTimer(object timerKey)
        {
            if (timerKey is CloseTimer)
            {
                _closeReason ??= "close timeout";
                CompleteStage();
                return;
            }
            if (_state != State.Open) return;
            long now = Environment.TickCount64;
            if (_settings.IdleTimeout is { } idle && now - _lastInbound >= (long)idle.TotalMilliseconds)
            {
                InitiateClose(CloseStatus.GoingAway, "idle timeout");
                return;
            }
            if (_settings.KeepAliveInterval is { } keepAlive && now - _lastOutbound >= (long)keepAlive.TotalMilliseconds
                && !_pendingPing)
            {
                _pendingPing = true;
                _lastOutbound = now; // one ping per interval even while the peer is not reading
                FlushOutbound();
            }
        }
    }
}
