using ActorWss.Configuration;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace ActorWss.Http;

/// <summary>
/// The HTTP/1.1 layer of a connection (RFC 6455 §4): parses the request head, answers 101 and then passes bytes
/// through untouched in both directions; or answers in plain HTTP and closes. Bytes the client sent after the head
/// (a pipelined first frame) go up as the first WebSocket bytes.
/// <code>
///        net in  ~> [parse head | pass] ~> ws in
///        net out &lt;~ [101 / answer | pass] &lt;~ ws out
/// </code>
/// </summary>
internal static class Handshake
{
    public static BidiFlow<ByteString, ByteString, ByteString, ByteString, Task<HandshakeOutcome>> Create(
        HttpSettings settings, IRequestRouter router, IHandshakeObserver? observer = null) =>
        BidiFlow.FromGraph(new HandshakeStage(settings, router, observer));
}

internal sealed class HandshakeStage(HttpSettings settings, IRequestRouter router, IHandshakeObserver? observer)
    : GraphStageWithMaterializedValue<BidiShape<ByteString, ByteString, ByteString, ByteString>, Task<HandshakeOutcome>>
{
    private readonly Inlet<ByteString> _netIn = new("http.net-in");
    private readonly Outlet<ByteString> _wsOut = new("http.ws-out");
    private readonly Inlet<ByteString> _wsIn = new("http.ws-in");
    private readonly Outlet<ByteString> _netOut = new("http.net-out");

    public override BidiShape<ByteString, ByteString, ByteString, ByteString> Shape =>
        new(_netIn, _wsOut, _wsIn, _netOut);

    private HttpSettings Settings { get; } = settings;

    private IRequestRouter Router { get; } = router;

    private IHandshakeObserver? Observer { get; } = observer;

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("http-handshake");

    public override ILogicAndMaterializedValue<Task<HandshakeOutcome>> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var outcome = new TaskCompletionSource<HandshakeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<Task<HandshakeOutcome>>(new Logic(this, outcome), outcome.Task);
    }

    private enum Phase { Reading, Upgraded, Answering }

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string HandshakeTimer = "handshake-timeout";
        private const string LingerTimer = "linger";
        private readonly HandshakeStage _stage;
        private readonly TaskCompletionSource<HandshakeOutcome> _outcome;
        private readonly HttpRequestParser _parser;
        private Phase _phase = Phase.Reading;

        public Logic(HandshakeStage stage, TaskCompletionSource<HandshakeOutcome> outcome) : base(stage.Shape)
        {
            _stage = stage;
            _outcome = outcome;
            _parser = new HttpRequestParser(stage.Settings.MaxHeadBytes);

            SetHandler(stage._netIn, onPush: OnNetPush, onUpstreamFinish: OnNetFinish, onUpstreamFailure: OnNetFailure);
            SetHandler(stage._wsOut, onPull: OnWsPull, onDownstreamFinish: _ =>
            {
                if (_phase == Phase.Upgraded) Cancel(stage._netIn);
            });
            SetHandler(stage._wsIn, onPush: () => Push(stage._netOut, Grab(stage._wsIn)), onUpstreamFinish: () =>
            {
                if (_phase == Phase.Upgraded) Complete(stage._netOut);
            });
            SetHandler(stage._netOut, onPull: () =>
            {
                if (_phase == Phase.Upgraded && !HasBeenPulled(stage._wsIn)) Pull(stage._wsIn);
            }, onDownstreamFinish: _ => CompleteStage());
        }

        private void Settle(HandshakeOutcome outcome)
        {
            if (_outcome.TrySetResult(outcome)) _stage.Observer?.OnHandshake(outcome);
        }

        public override void PreStart()
        {
            Pull(_stage._netIn);
            ScheduleOnce(HandshakeTimer, _stage.Settings.HandshakeTimeout);
        }

        public override void PostStop() =>
            Settle(new Abandoned(AbandonKind.Closed, "connection closed before the handshake completed"));

        private void OnNetPush()
        {
            var bytes = Grab(_stage._netIn);
            switch (_phase)
            {
                case Phase.Upgraded:
                    Push(_stage._wsOut, bytes);
                    return;
                case Phase.Answering:
                    Pull(_stage._netIn); // drain what the peer still sends until it closes
                    return;
            }

            switch (_parser.Feed(bytes))
            {
                case ParseStatus.NeedMore:
                    Pull(_stage._netIn);
                    return;
                case ParseStatus.TooLarge:
                    Answer(new Respond(HttpResponse.Text(431, "Request Header Fields Too Large",
                        $"request head larger than {_stage.Settings.MaxHeadBytes} bytes"), "head-too-large"), null);
                    return;
                case ParseStatus.Malformed:
                    Answer(new Respond(HttpResponse.Text(400, "Bad Request", "malformed request: " + _parser.Error),
                        "malformed"), _parser.Error);
                    return;
            }

            CancelTimer(HandshakeTimer);
            var request = _parser.Request!;
            switch (_stage.Router.Decide(request))
            {
                case AcceptUpgrade accept:
                    Upgrade(accept);
                    break;
                case Respond respond:
                    Answer(respond, null, request);
                    break;
            }
        }

        private void Upgrade(AcceptUpgrade accept)
        {
            _phase = Phase.Upgraded;
            Settle(new Upgraded(accept.Request, accept.Subprotocol));
            Emit(_stage._netOut, WebSocketUpgrade.SwitchingProtocols(accept).Render(), () =>
            {
                if (IsClosed(_stage._wsIn)) Complete(_stage._netOut);
                else if (IsAvailable(_stage._netOut) && !HasBeenPulled(_stage._wsIn)) Pull(_stage._wsIn);
            });
            var early = _parser.Remainder;
            if (!early.IsEmpty)
                Emit(_stage._wsOut, early);
            else if (IsAvailable(_stage._wsOut))
                Pull(_stage._netIn);
        }

        private void Answer(Respond respond, string? detail, HttpRequest? request = null)
        {
            _phase = Phase.Answering;
            CancelTimer(HandshakeTimer);
            Settle(new Answered(respond.Response.Status, respond.Reason, detail, request));
            Complete(_stage._wsOut);
            Cancel(_stage._wsIn);
            Emit(_stage._netOut, respond.Response.Render(), () =>
            {
                Complete(_stage._netOut);
                if (IsClosed(_stage._netIn)) CompleteStage();
                else ScheduleOnce(LingerTimer, _stage.Settings.LingerTimeout);
            });
            if (!IsClosed(_stage._netIn) && !HasBeenPulled(_stage._netIn)) Pull(_stage._netIn);
        }

        private void OnWsPull()
        {
            if (_phase == Phase.Upgraded && !HasBeenPulled(_stage._netIn) && !IsClosed(_stage._netIn))
                Pull(_stage._netIn);
        }

        private void OnNetFinish()
        {
            switch (_phase)
            {
                case Phase.Reading:
                    Settle(new Abandoned(AbandonKind.Closed, _parser.Received == 0
                        ? "closed without sending a request"
                        : "closed in the middle of the request head"));
                    CompleteStage();
                    break;
                case Phase.Upgraded:
                    Complete(_stage._wsOut); // after the early bytes, if they are still being emitted
                    break;
                case Phase.Answering:
                    if (IsClosed(_stage._netOut)) CompleteStage();
                    break;
            }
        }

        private void OnNetFailure(Exception cause)
        {
            Settle(new Abandoned(AbandonKind.Failed, "connection failed: " + cause.Message));
            FailStage(cause);
        }

        protected override void OnTimer(object timerKey)
        {
            if (timerKey is HandshakeTimer)
                Settle(new Abandoned(AbandonKind.TimedOut, _parser.Received == 0
                    ? "handshake timeout: no request"
                    : "handshake timeout: incomplete request head"));
            CompleteStage();
        }
    }
}
