using ActorWss.Auth;
using ActorWss.Configuration;
using ActorWss.Connections;
using ActorWss.Server;
using ActorWss.WebSocket;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using ActorWss.Streams;

namespace ActorWss.Http;

/// <summary>
/// The HTTP/1.1 layer of a connection (RFC 6455 §4) and, after its 101, the framing layer (§5.2): parses the request
/// head, answers 101 and from then on turns bytes into <see cref="FrameEvent"/>s (§5.2 parsing, §5.3 unmasking) and
/// <see cref="OutboundFrame"/>s into bytes; or answers in plain HTTP and closes. Bytes the client sent after the head
/// (a pipelined first frame) are the first bytes parsed into frames. A route with an authenticator is asked before the
/// 101, within the same time limit as the request head.
/// <code>
///        net in  ~> [parse head | FrameParser]   ~> frame events
///        net out &lt;~ [101 / answer | FrameRenderer] &lt;~ outbound frames
/// </code>
/// One stage for both layers, not two: a stage that only passes bytes through once the handshake is done costs every
/// connection its logic and two port connections for as long as it lives (about 0.6 KiB per idle connection), and
/// every message a push and a pull each way.
/// </summary>
internal static class Handshake
{
    public static BidiFlow<ByteString, FrameEvent, OutboundFrame, ByteString, Task<HandshakeOutcome>> Create(
        HttpSettings settings, IRequestRouter router, IHandshakeObserver? observer = null, ConnectionContext? context = null,
        bool ownsInput = false) =>
        BidiFlow.FromGraph(new HandshakeStage(settings, router, observer, context, ownsInput));
}

/// <param name="ownsInput">The bytes from the network are fresh arrays nobody else reads: see <see cref="FrameParser(bool)"/>.</param>
internal sealed class HandshakeStage(HttpSettings settings, IRequestRouter router, IHandshakeObserver? observer, ConnectionContext? context,
    bool ownsInput = false)
    : GraphStageWithMaterializedValue<BidiShape<ByteString, FrameEvent, OutboundFrame, ByteString>, Task<HandshakeOutcome>>
{
    private readonly Inlet<ByteString> _netIn = new("http.net-in");
    private readonly Outlet<FrameEvent> _wsOut = new("http.ws-out");
    private readonly Inlet<OutboundFrame> _wsIn = new("http.ws-in");
    private readonly Outlet<ByteString> _netOut = new("http.net-out");

    public override BidiShape<ByteString, FrameEvent, OutboundFrame, ByteString> Shape =>
        new(_netIn, _wsOut, _wsIn, _netOut);

    private HttpSettings Settings { get; } = settings;

    private IRequestRouter Router { get; } = router;

    private IHandshakeObserver? Observer { get; } = observer;

    private ConnectionContext? Context { get; } = context;

    private bool OwnsInput { get; } = ownsInput;

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("http-handshake");

    public override ILogicAndMaterializedValue<Task<HandshakeOutcome>> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var outcome = new TaskCompletionSource<HandshakeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = Context ?? inheritedAttributes.GetAttribute<ConnectionContext>();
        return new LogicAndMaterializedValue<Task<HandshakeOutcome>>(new Logic(this, outcome, context), outcome.Task);
    }

    private enum Phase
    {
        /// <summary>Reading the request head.</summary>
        Reading,
        /// <summary>The route's authenticator is deciding; nothing is read meanwhile.</summary>
        Authenticating,
        /// <summary>101 sent: bytes in are parsed into frames, frames out rendered to bytes.</summary>
        Upgraded,
        /// <summary>An HTTP answer is being written; the connection closes after it.</summary>
        Answering,
    }

    private sealed class Logic : ConnectionStageLogic, IInHandler, IOutHandler
    {
        private static readonly object StageLogSource = LogSourceOf("http-handshake", typeof(HandshakeStage));

        private const string HandshakeTimer = "handshake-timeout";
        private const string LingerTimer = "linger";
        private readonly HandshakeStage _stage;
        private readonly TaskCompletionSource<HandshakeOutcome> _outcome;
        private readonly HttpRequestParser _parser;
        private readonly ConnectionContext _context;
        private Phase _phase = Phase.Reading;
        private CancellationTokenSource? _authentication;
        private FrameParser? _frames;   // made at the 101
        private bool _frameErrorSent;

        public Logic(HandshakeStage stage, TaskCompletionSource<HandshakeOutcome> outcome, ConnectionContext? context) : base(2, 2, StageLogSource)
        {
            _stage = stage;
            _outcome = outcome;
            _parser = new HttpRequestParser(stage.Settings.MaxHeadBytes);
            _context = context ?? new ConnectionContext("", new System.Net.IPEndPoint(System.Net.IPAddress.None, 0));

            SetHandler(stage._netIn, (IInHandler)this);
            SetHandler(stage._wsOut, (IOutHandler)this);
            var outbound = new Outbound(this);
            SetHandler(stage._wsIn, outbound);
            SetHandler(stage._netOut, outbound);
        }

        void IInHandler.OnPush() => OnNetPush();

        void IInHandler.OnUpstreamFinish() => OnNetFinish();

        void IInHandler.OnUpstreamFailure(Exception e) => OnNetFailure(e);

        void IOutHandler.OnPull() => OnWsPull();

        void IOutHandler.OnDownstreamFinish(Exception cause)
        {
            if (_phase == Phase.Upgraded) Cancel(_stage._netIn);
        }

        /// <summary>The outbound direction's ports (the logic itself handles the inbound one's; no delegates per
        /// connection): after the 101, frames from the WebSocket layer are rendered (§5.2) to the network, one frame
        /// in, its bytes out.</summary>
        private sealed class Outbound(Logic logic) : InAndOutHandler
        {
            public override void OnPush() =>
                logic.Push(logic._stage._netOut, FrameRenderer.Render(logic.Grab(logic._stage._wsIn)));

            public override void OnUpstreamFinish()
            {
                if (logic._phase == Phase.Upgraded) logic.Complete(logic._stage._netOut);
            }

            public override void OnUpstreamFailure(Exception e) => logic.FailStage(e);

            public override void OnPull()
            {
                if (logic._phase == Phase.Upgraded && !logic.HasBeenPulled(logic._stage._wsIn)) logic.Pull(logic._stage._wsIn);
            }

            public override void OnDownstreamFinish(Exception cause) => logic.CompleteStage();
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

        protected override void OnStop()
        {
            _authentication?.Cancel();
            _authentication?.Dispose();
            _parser.Release();
            Settle(new Abandoned(AbandonKind.Closed, "connection closed before the handshake completed"));
        }

        private void OnNetPush()
        {
            var bytes = Grab(_stage._netIn);
            switch (_phase)
            {
                case Phase.Upgraded:
                    _frames!.Feed(bytes);
                    PushNextFrameEvent();
                    return;
                case Phase.Answering:
                    Pull(_stage._netIn); // drain what the peer still sends until it closes
                    return;
                case Phase.Authenticating:
                    return; // not pulled while authenticating
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

            var request = _parser.Request!;
            switch (_stage.Router.Decide(request))
            {
                case AcceptUpgrade { Route.Authenticator: { } authenticator } accept:
                    Authenticate(accept, authenticator);
                    break;
                case AcceptUpgrade accept:
                    Upgrade(accept, View(accept), null, null);
                    break;
                case Respond respond:
                    Answer(respond, null, request);
                    break;
            }
        }

        private WebSocketRequest View(AcceptUpgrade accept) =>
            new(accept.Request, _context.Listener, accept.Route!.Name, _context.Remote, _context.ClientCertificate);

        /// <summary>Asks the route's authenticator; the handshake timer keeps running meanwhile.</summary>
        private void Authenticate(AcceptUpgrade accept, IWebSocketAuthenticator authenticator)
        {
            _phase = Phase.Authenticating;
            var view = View(accept);
            _authentication = new CancellationTokenSource();
            ValueTask<AuthenticationResult> pending;
            try
            {
                pending = authenticator.AuthenticateAsync(view, _authentication.Token);
            }
            catch (Exception e)
            {
                OnAuthenticated(accept, view, null, e);
                return;
            }
            if (pending.IsCompleted)
            {
                OnAuthenticated(accept, view, pending.IsCompletedSuccessfully ? pending.Result : null, Failure(pending.AsTask()));
                return;
            }
            var resume = GetAsyncCallback<Task<AuthenticationResult>>(done =>
                OnAuthenticated(accept, view, done.IsCompletedSuccessfully ? done.Result : null, Failure(done)));
            pending.AsTask().ContinueWith(resume, TaskContinuationOptions.ExecuteSynchronously);
        }

        private static Exception? Failure(Task task) => task.IsCompletedSuccessfully ? null
            : task.Exception?.GetBaseException() ?? new OperationCanceledException("the authenticator was cancelled");

        private void OnAuthenticated(AcceptUpgrade accept, WebSocketRequest view, AuthenticationResult? result, Exception? failure)
        {
            if (_phase != Phase.Authenticating) return; // timed out, or the client left
            var route = accept.Route!;
            switch (result)
            {
                case AuthenticationResult.Accepted accepted when accepted.Subprotocol is { } chosen
                    && !view.OfferedSubprotocols.Contains(chosen, StringComparer.Ordinal):
                    Log.Error("route {0}: the authenticator chose subprotocol '{1}', which the client did not offer", route.Name, chosen);
                    Answer(new Respond(HttpResponse.Text(500, "Internal Server Error", "authentication failed"), "auth-error"), null, accept.Request);
                    break;
                case AuthenticationResult.Accepted accepted:
                    Upgrade(accept with { Subprotocol = accepted.Subprotocol ?? accept.Subprotocol }, view, accepted.User, accepted.Expires);
                    break;
                case AuthenticationResult.Rejected rejected:
                    _stage.Observer?.OnAuthenticationRejected(route.Name, rejected.Reason);
                    var phrase = rejected.Status switch { 401 => "Unauthorized", 403 => "Forbidden", _ => "Bad Request" };
                    var headers = rejected.Status == 401
                        ? new[] { new KeyValuePair<string, string>("WWW-Authenticate", "Bearer") }
                        : [];
                    Answer(new Respond(HttpResponse.Text(rejected.Status, phrase, rejected.Body, headers), "auth-rejected"),
                        $"{route.Name}: {rejected.Reason}", accept.Request);
                    break;
                default:
                    Log.Error(failure, "route {0}: the authenticator failed", route.Name);
                    _stage.Observer?.OnAuthenticationRejected(route.Name, "error");
                    Answer(new Respond(HttpResponse.Text(500, "Internal Server Error", "authentication failed"), "auth-error"), null, accept.Request);
                    break;
            }
        }

        private void Upgrade(AcceptUpgrade accept, WebSocketRequest view, System.Security.Claims.ClaimsPrincipal? user, DateTimeOffset? expires)
        {
            CancelTimer(HandshakeTimer);
            _phase = Phase.Upgraded;
            var route = accept.Route!;
            var upgraded = new Upgraded(accept.Request, accept.Subprotocol, route, view, user, expires);
            _context.Upgrade = upgraded;
            _context.Control.MaxMessageSize = route.MaxMessageSize;
            _context.Control.PerMessageDeflate = accept.Extensions is not null;
            Settle(upgraded);
            Emit(_stage._netOut, WebSocketUpgrade.SwitchingProtocols(accept).Render(), () =>
            {
                if (IsClosed(_stage._wsIn)) Complete(_stage._netOut);
                else if (IsAvailable(_stage._netOut) && !HasBeenPulled(_stage._wsIn)) Pull(_stage._wsIn);
            });
            _frames = new FrameParser(_stage.OwnsInput);
            _frames.Feed(_parser.Remainder);
            if (IsAvailable(_stage._wsOut)) PushNextFrameEvent();
        }

        /// <summary>
        /// After the 101, on demand: one frame event per pull of the layer above, the network pulled only when the
        /// bytes at hand hold no event. Input that cannot be delimited into frames any more (§5.2) is reported once,
        /// then drained, so that the peer's close is still seen.
        /// </summary>
        private void PushNextFrameEvent()
        {
            var frames = _frames!;
            if (frames.Error is not null)
            {
                if (!_frameErrorSent && IsAvailable(_stage._wsOut))
                {
                    _frameErrorSent = true;
                    Push(_stage._wsOut, new FrameError(frames.Error));
                }
                if (IsClosed(_stage._netIn)) Complete(_stage._wsOut);
                else if (!HasBeenPulled(_stage._netIn)) Pull(_stage._netIn);
            }
            else if (frames.TryRead(out var frameEvent))
            {
                Push(_stage._wsOut, frameEvent!);
            }
            else if (frames.Error is not null)
            {
                PushNextFrameEvent();
            }
            else if (IsClosed(_stage._netIn))
            {
                Complete(_stage._wsOut);
            }
            else if (!HasBeenPulled(_stage._netIn))
            {
                Pull(_stage._netIn);
            }
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
            if (_phase == Phase.Upgraded) PushNextFrameEvent();
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
                case Phase.Authenticating:
                    // The client closed before it was let in: nobody to answer (PostStop cancels the authenticator).
                    Settle(new Abandoned(AbandonKind.Closed, "closed during authentication"));
                    CompleteStage();
                    break;
                case Phase.Upgraded:
                    // The frames still buffered go up first, on demand; the layer above is told of the end after them.
                    if (IsAvailable(_stage._wsOut)) PushNextFrameEvent();
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
            if (timerKey is HandshakeTimer && _phase == Phase.Authenticating)
            {
                _authentication?.Cancel();
                Answer(new Respond(HttpResponse.Text(503, "Service Unavailable", "authentication timed out",
                    new KeyValuePair<string, string>("Retry-After", "1")), "auth-timeout"), null, _parser.Request);
                return;
            }
            if (timerKey is HandshakeTimer)
                Settle(new Abandoned(AbandonKind.TimedOut, _parser.Received == 0
                    ? "handshake timeout: no request"
                    : "handshake timeout: incomplete request head"));
            CompleteStage();
        }
    }
}
