using System.Buffers.Binary;
using System.Text.Unicode;
using ActorWss.Buffers;
using ActorWss.Configuration;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using ActorWss.Streams;

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
    /// <param name="control">The connection's handle (the pipeline shares it with other layers); null: the one among the
    /// graph's attributes (a blueprint shared by connections), else a new one.</param>
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
        var handle = control ?? inheritedAttributes.GetAttribute<WebSocketControl>() ?? new WebSocketControl();
        return new LogicAndMaterializedValue<WebSocketControl>(new Logic(this, handle), handle);
    }

    private sealed class Logic : ConnectionStageLogic, IInHandler, IOutHandler
    {
        private static readonly object StageLogSource = LogSourceOf("ws-protocol", typeof(WebSocketProtocolStage));

        private const string CloseTimer = "close-timeout";
        private const byte Rsv1 = 0b100; // FrameHeader.Rsv holds RSV1-3 as bits 2..0
        private const string TickTimer = "tick";

        private readonly WebSocketProtocolStage _stage;
        private readonly WebSocketSettings _settings;
        private readonly WebSocketControl _control;
        private readonly IWebSocketObserver? _observer;
        private readonly CloseHandshake _close = new();

        // The frame being received.
        private bool _inControlFrame;
        private Opcode _controlOpcode;
        private ByteString _controlPayload = ByteString.Empty;
        private bool _frameFin;

        // The message being assembled, and a whole one waiting for the handler's demand.
        private readonly MessageAssembler _message;
        private Message? _pendingMessage;
        private bool _completeAppOutAfterPending;

        // Outbound, in the order they are sent; our Close frame (in _close) goes last.
        private OutboundFrame? _pendingAppFrame;
        private ByteString? _pendingPong;
        private bool _pendingPing;

        private long _lastInbound = Environment.TickCount64;
        private long _lastOutbound = Environment.TickCount64;

        public Logic(WebSocketProtocolStage stage, WebSocketControl control) : base(2, 2, StageLogSource)
        {
            _stage = stage;
            _settings = stage.Settings;
            _observer = stage.Observer;
            _control = control;
            // The route's limit is set on the control before the 101, after this stage is built: read it per message.
            _message = new MessageAssembler(() => _control.MaxMessageSize ?? _settings.MaxMessageSize);

            SetHandler(stage._netIn, (IInHandler)this);
            SetHandler(stage._appOut, (IOutHandler)this);
            var outbound = new Outbound(this);
            SetHandler(stage._appIn, outbound);
            SetHandler(stage._netOut, outbound);
        }

        void IInHandler.OnPush()
        {
            OnFrameEvent(Grab(_stage._netIn));
            PullNetInIfAllowed();
        }

        void IInHandler.OnUpstreamFinish() => OnPeerGone();

        void IInHandler.OnUpstreamFailure(Exception cause)
        {
            _close.PeerGone("connection failed: " + cause.Message);
            FailStage(cause);
        }

        void IOutHandler.OnPull()
        {
            if (_pendingMessage is { } message)
            {
                _pendingMessage = null;
                Push(_stage._appOut, message);
                if (_completeAppOutAfterPending) Complete(_stage._appOut);
            }
            PullNetInIfAllowed();
        }

        void IOutHandler.OnDownstreamFinish(Exception cause)
        {
            if (cause is SubscriptionWithCancelException.NonFailureCancellation)
            {
                // The handler wants no more messages: close normally (§7.1.2).
                InitiateClose(CloseStatus.Normal, "");
                return;
            }
            // The handler failed: its input is cancelled with the failure before its output fails with it.
            OnHandlerFailed(cause);
        }

        /// <summary>The outbound direction's ports: messages from the handler in, frames out (the logic itself handles
        /// the inbound direction's; no delegates per connection).</summary>
        private sealed class Outbound(Logic logic) : InAndOutHandler
        {
            public override void OnPush() => logic.OnHandlerMessage();

            public override void OnUpstreamFinish() => logic.OnHandlerFinished();

            public override void OnUpstreamFailure(Exception e) => logic.OnHandlerFailed(e);

            public override void OnPull() => logic.FlushOutbound();

            public override void OnDownstreamFinish(Exception cause)
            {
                logic._close.PeerGone();
                logic.CompleteStage();
            }
        }

        private void OnHandlerMessage()
        {
            var message = Grab(_stage._appIn);
            if (!_close.CanSendData) return; // §5.5.1: no data frames after a Close
            _observer?.OnMessageSent(message.Type, message.Payload.Count);
            // RFC 7692 §6: compress when negotiated and worth it; a message sent to many connections is compressed once.
            _pendingAppFrame = _control.PerMessageDeflate && message.Payload.Count >= _settings.PerMessageDeflate.MinMessageSize
                ? Compressed(message)
                : OutboundFrame.Of(message);
            FlushOutbound();
        }

        private OutboundFrame Compressed(Message message)
        {
            if (message.AsCompressedFrame is not { } frame) return OutboundFrame.Of(message); // it does not shrink
            _observer?.OnCompressedMessage(sent: true, message.Payload.Count, frame.Payload.Count);
            return frame;
        }

        private void OnHandlerFinished()
        {
            if (_close.Phase == ClosePhase.Answering) AnswerPeer(); // the handler has said all it had to say
            else InitiateClose(CloseStatus.Normal, "");
        }

        public override void PreStart()
        {
            Pull(_stage._netIn);
            var period = TickPeriod();
            if (period is { } p) ScheduleRepeatedly(TickTimer, p);
            _control.Attach(GetAsyncCallback<(ushort Code, string Reason)>(request => InitiateClose(request.Code, request.Reason)));
        }

        protected override void OnStop() => _control.SetClosed(_close.Info);

        // ---- inbound ------------------------------------------------------------------------------------------

        private void OnFrameEvent(FrameEvent frameEvent)
        {
            _lastInbound = Environment.TickCount64;
            // After the peer's Close nothing it sends counts (§5.5.1); after ours only its Close does. Drain until TCP closes.
            if (_close.Phase is ClosePhase.Closed or ClosePhase.Answering) return;

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
                if (header.Opcode != Opcode.Continuation && _close.IsOpen)
                    _message.Start(header.Opcode == Opcode.Text ? MessageType.Text : MessageType.Binary,
                        compressed: (header.Rsv & Rsv1) != 0);
                _frameFin = header.Fin;
                if (!AppendData(start.Data)) return;
            }
            if (start.LastPart) OnEndOfFrame();
        }

        /// <summary>The rules a frame header must meet before any of its payload is read.</summary>
        private (ushort Code, string Reason)? Violation(in FrameHeader header)
        {
            // §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated". RFC 7692 §6: permessage-deflate defines
            // RSV1, on the first frame of a data message only (§6.1: not on control frames or continuations).
            if ((header.Rsv & Rsv1) != 0 && _control.PerMessageDeflate)
            {
                if (header.Rsv != Rsv1) return (CloseStatus.ProtocolError, "RSV2 or RSV3 set without a negotiated extension");
                if (header.Opcode.IsControl()) return (CloseStatus.ProtocolError, "RSV1 set on a control frame");
                if (header.Opcode == Opcode.Continuation) return (CloseStatus.ProtocolError, "RSV1 set on a continuation frame");
            }
            else if (header.Rsv != 0) return (CloseStatus.ProtocolError, "RSV bits set without a negotiated extension");
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
            if (!_close.IsOpen) return null; // data after our Close is discarded unchecked
            // §5.4: fragments of one message are not interleaved with other data frames.
            if (header.Opcode == Opcode.Continuation && !_message.InMessage)
                return (CloseStatus.ProtocolError, "continuation frame without a message to continue");
            if (header.Opcode != Opcode.Continuation && _message.InMessage)
                return (CloseStatus.ProtocolError, "new data frame before the fragmented message ended");
            // §7.4.1 (1009): refuse before reading the payload.
            if (_message.WouldExceedLimit(header.Opcode, header.Length))
                return (CloseStatus.MessageTooBig, $"message larger than {_message.Limit} bytes");
            return null;
        }

        /// <summary>Adds payload to the message; false when that failed the connection.</summary>
        private bool AppendData(ByteString data)
        {
            if (!_close.IsOpen) return true;
            switch (_message.Append(data))
            {
                case AppendOutcome.TooBig:
                    FailConnection(CloseStatus.MessageTooBig, $"message larger than {_message.Limit} bytes");
                    return false;
                case AppendOutcome.InvalidUtf8:
                    FailConnection(CloseStatus.InvalidPayload, "text message is not valid UTF-8");
                    return false;
                default:
                    return true;
            }
        }

        private void OnEndOfFrame()
        {
            if (_inControlFrame) OnControlFrame(_controlOpcode, _controlPayload);
            else if (_frameFin) OnEndOfMessage();
        }

        private void OnEndOfMessage()
        {
            if (!_close.IsOpen)
            {
                _message.Discard();
                return;
            }
            long compressedLength = _message.Compressed ? _message.Length : -1;
            switch (_message.Finish(out var message))
            {
                case FinishOutcome.InvalidUtf8:
                    FailConnection(CloseStatus.InvalidPayload, "text message is not valid UTF-8");
                    return;
                case FinishOutcome.TooBig:
                    FailConnection(CloseStatus.MessageTooBig, $"message larger than {_message.Limit} bytes once decompressed");
                    return;
                case FinishOutcome.InvalidCompressedData:
                    FailConnection(CloseStatus.InvalidPayload, "compressed message is not valid DEFLATE data");
                    return;
            }
            _observer?.OnMessageReceived(message.Type, message.Payload.Count);
            if (compressedLength >= 0) _observer?.OnCompressedMessage(sent: false, message.Payload.Count, (int)compressedLength);
            if (IsAvailable(_stage._appOut)) Push(_stage._appOut, message);
            else _pendingMessage = message;
        }

        private void OnControlFrame(Opcode opcode, ByteString payload)
        {
            _controlPayload = ByteString.Empty;
            switch (opcode)
            {
                case Opcode.Ping when _close.IsOpen:
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

            bool peerFirst = _close.IsOpen;
            _close.PeerClosed(code, violation);
            if (peerFirst)
            {
                // The handler gets the messages already received, and no more.
                _message.Discard();
                CompleteAppOutAfterPendingMessage();
                // §5.5.1: reply with a Close, then close TCP (§7.1.1: the server closes first). A normal close waits for
                // the handler to finish sending (Answering), at most the close timeout; an error is answered at once.
                if (_close.Phase == ClosePhase.Closed && !IsClosed(_stage._appIn)) Cancel(_stage._appIn);
                ScheduleOnce(CloseTimer, _settings.CloseTimeout);
            }
            FlushOutbound();
        }

        private void OnPeerGone()
        {
            // The peer sent its Close, then its FIN (a half-close): it still reads. The handler finishes, then our Close.
            if (_close.Phase == ClosePhase.Answering) return;
            // TCP closed: without a Close frame that is an abnormal closure (§7.1.5: 1006).
            _close.PeerGone();
            if (!HasOutbound())
            {
                CompleteStage();
                return;
            }
            // Let what is already queued (our Close last) go out, then finish.
            _message.Discard();
            if (!IsClosed(_stage._appOut)) Complete(_stage._appOut);
            if (!IsClosed(_stage._appIn)) Cancel(_stage._appIn);
        }

        private void PullNetInIfAllowed()
        {
            if (IsClosed(_stage._netIn) || HasBeenPulled(_stage._netIn)) return;
            // Back-pressure: a complete message waits for the handler; read nothing meanwhile.
            if (_close.IsOpen && _pendingMessage is not null) return;
            Pull(_stage._netIn);
        }

        // ---- closing ------------------------------------------------------------------------------------------

        /// <summary>§7.4.1 (1011): the handler failed; logged once, whichever of its ports reports it first.</summary>
        private void OnHandlerFailed(Exception cause)
        {
            if (!_close.CanSendData) return;
            Log.Error(cause, "WebSocket handler failed");
            if (_close.Phase == ClosePhase.Answering) AnswerPeer(); // the peer is leaving anyway: answer its Close
            else FailConnection(CloseStatus.InternalError, "internal error");
        }

        /// <summary>Answering → Closed: our Close answers the peer's; TCP closes after it, within the close timeout.</summary>
        private void AnswerPeer()
        {
            if (!IsClosed(_stage._appIn)) Cancel(_stage._appIn);
            _close.Answer();
            ScheduleOnce(CloseTimer, _settings.CloseTimeout);
            FlushOutbound();
        }

        /// <summary>§7.1.2: start the closing handshake and wait for the peer's Close, at most the close timeout.</summary>
        private void InitiateClose(ushort code, string reason)
        {
            if (!_close.BeginClose(code, reason)) return;
            StopMessages();
            FlushOutbound();
            ScheduleOnce(CloseTimer, _settings.CloseTimeout);
            PullNetInIfAllowed();
        }

        /// <summary>
        /// §7.1.7 "Fail the WebSocket Connection": send a Close with the code, close TCP after it, and discard
        /// whatever the peer still sends until it closes (or the close timeout).
        /// </summary>
        private void FailConnection(ushort code, string reason)
        {
            bool wasOpen = _close.IsOpen;
            _close.Fail(code, reason);
            if (wasOpen)
            {
                StopMessages();
                ScheduleOnce(CloseTimer, _settings.CloseTimeout);
            }
            FlushOutbound();
            Log.Debug("Failing WebSocket connection with {0}: {1}", code, reason);
        }

        /// <summary>
        /// No more messages either way. A message already taken from the handler stays queued: it goes out before
        /// our Close (§5.5.1 forbids data frames only after it).
        /// </summary>
        private void StopMessages()
        {
            _message.Discard();
            _pendingMessage = null;
            if (!IsClosed(_stage._appOut)) Complete(_stage._appOut);
            if (!IsClosed(_stage._appIn)) Cancel(_stage._appIn);
        }

        private void CompleteAppOutAfterPendingMessage()
        {
            if (_pendingMessage is null) { if (!IsClosed(_stage._appOut)) Complete(_stage._appOut); }
            else _completeAppOutAfterPending = true;
        }

        // ---- outbound -----------------------------------------------------------------------------------------

        private bool HasOutbound() => _pendingAppFrame is not null || _pendingPong is not null || _pendingPing || _close.PendingFrame is not null;

        private void FlushOutbound()
        {
            if (IsClosed(_stage._netOut)) return;
            if (IsAvailable(_stage._netOut))
            {
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
                else if (_close.TakeFrame() is { } close)
                {
                    PushOut(close);
                }
                else if (_close.CanSendData && !IsClosed(_stage._appIn) && !HasBeenPulled(_stage._appIn))
                {
                    Pull(_stage._appIn);
                }
            }
            // §7.1.1: once the handshake is over on our side and our Close is out, TCP closes (FIN after the last frame).
            if (_close.Phase == ClosePhase.Closed && !HasOutbound()) Complete(_stage._netOut);
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
                _close.TimedOut();
                if (_close.Phase == ClosePhase.Answering) AnswerPeer(); // the handler did not finish: answer without it
                else CompleteStage();
                return;
            }
            if (!_close.IsOpen) return;
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
