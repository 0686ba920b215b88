using ActorWss.Connections;
using ActorWss.Http;
using ActorWss.Routing;
using ActorWss.Tls;
using ActorWss.Transport;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorWss.Server;

/// <summary>
/// One accepted connection. Materializes the connection's pipeline (its interpreter a child of this actor, so that the
/// stream lives no longer than this actor); when the handshake is done, registers the connection with the hub and starts the
/// route's handler, creating the route's connection actor as its child (and supervising it: a failure closes the
/// connection with 1011, once logged; no restart). Stops when the socket is done in both directions, then logs how
/// the connection ended: one line, at Info when something was refused or broken, at Debug otherwise.
/// </summary>
internal sealed partial class ConnectionActor : ActorBase
{
    /// <summary>Close this connection with <paramref name="Code"/> (§7.1.2), e.g. 1001 at server shutdown.</summary>
    public sealed record Shutdown(ushort Code, string Reason);

    /// <summary>Both socket directions are done and every layer has reported how it ended.</summary>
    private sealed record Ended(HandshakeOutcome Handshake, WebSocketCloseInfo Close, TlsOutcome? Tls, string? TlsError,
        Exception? TransportFailure);

    private sealed record HandshakeSettled(HandshakeOutcome Outcome);

    private sealed record WebSocketClosed(WebSocketCloseInfo Close);

    private sealed class CredentialsCheck
    {
        public static readonly CredentialsCheck Instance = new();
    }

    private sealed class AppStopTimeout
    {
        public static readonly AppStopTimeout Instance = new();
    }

    /// <summary>How long a connection actor gets to handle <see cref="Closed"/> and stop once the connection has ended.</summary>
    private static readonly TimeSpan AppStopGrace = TimeSpan.FromSeconds(5);

    private ILoggingAdapter? _logger;
    private readonly string _listener;
    private readonly AcceptedConnection _connection;
    private readonly ConnectionPipeline _pipeline;
    private readonly WebSocketHub _hub;
    private readonly ActorMaterializerSettings _materializerSettings;
    private ConnectionHandles? _handles;
    private ConnectionInfo? _info;
    private DateTimeOffset? _expires;
    private IActorRef? _app;
    private bool _appFailed;
    private WebSocketCloseInfo? _closed;
    private bool _closedDelivered;
    private bool _ended;
    private ICancelable? _credentialsTimer; // timers made when needed: most connections never have one
    private ICancelable? _appStopTimer;

    public ConnectionActor(string listener, AcceptedConnection connection, ConnectionPipeline pipeline, ActorMaterializerSettings materializerSettings)
    {
        _listener = listener;
        _materializerSettings = materializerSettings;
        _connection = connection;
        _pipeline = pipeline;
        _hub = WebSocketHub.Get(Context.System);
    }

    /// <summary>
    /// A type switch rather than <see cref="ReceiveActor"/>'s handlers: those are built per actor instance (a matcher,
    /// a delegate per message type, about 0.7 KiB), and there is one of these actors per open connection.
    /// </summary>
    protected override bool Receive(object message)
    {
        switch (message)
        {
            case HandshakeSettled { Outcome: var outcome }:
                if (outcome is Upgraded upgraded) StartApplication(upgraded);
                return true;
            case WebSocketClosed closed:
                _closed = closed.Close;
                DeliverClosed();
                return true;
            case CredentialsCheck:
                _credentialsTimer = null;
                CheckCredentials();
                return true;
            case Terminated terminated when terminated.ActorRef.Equals(_app):
                OnAppStopped();
                return true;
            case Ended ended:
                _ended = true;
                if (ended.Handshake is Upgraded) _pipeline.Metrics.OnClosed(ended.Close);
                if (_info is not null) _hub.Unregister(_info);
                LogEnd(ended);
                if (_app is null) Context.Stop(Self);
                else _appStopTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(AppStopGrace, Self, AppStopTimeout.Instance, Self);
                return true;
            case AppStopTimeout:
                Context.Stop(Self);
                return true;
            case Shutdown shutdown:
                // The handshake's task tells whether the client has its 101: the task completes before the 101 is written.
                var handshake = _handles?.Handshake;
                if (handshake is null || !handshake.IsCompleted) Context.Stop(Self); // still reading the request: nothing to say goodbye to
                else if (handshake.Result is Upgraded) _handles!.WebSocket.Close(shutdown.Code, shutdown.Reason);
                // otherwise an HTTP answer is already closing the connection
                return true;
            default:
                return false;
        }
    }

    /// <summary>Made when first needed (when the connection ends): an idle connection does not keep one.</summary>
    private ILoggingAdapter Log => _logger ??= Context.GetLogger();

    /// <summary>On the transport's dispatcher (with the event-loop transport: the loops), where its stream runs too.</summary>
    public static Props Props(string listener, AcceptedConnection connection, ConnectionPipeline pipeline, ActorMaterializerSettings materializerSettings)
    {
        var props = Akka.Actor.Props.Create(() => new ConnectionActor(listener, connection, pipeline, materializerSettings));
        return pipeline.Dispatcher is { } dispatcher ? props.WithDispatcher(dispatcher) : props;
    }

    /// <summary>A connection actor that throws is stopped, not restarted (it would have lost its socket's conversation): 1011.
    /// The stream's interpreter is a child too; should it ever fail, the connection is broken all the same.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(failure =>
    {
        _appFailed = true;
        return Directive.Stop;
    });

    protected override void PostStop()
    {
        _credentialsTimer?.Cancel();
        _appStopTimer?.Cancel();
        if (_info is not null && !_ended) _hub.Unregister(_info);
        _pipeline.Metrics.ConnectionClosed();
    }

    protected override void PreStart()
    {
        _pipeline.Metrics.ConnectionOpened();
        var context = new ConnectionContext(_listener, _connection.Remote, _pipeline.CloseTimeout);

        // Both directions of the socket are watched: the actor stops only when our writes are finished and the
        // peer's side is closed, so a final Close frame or HTTP answer is never cut off.
        // The stream's interpreter runs as this actor's child: when this actor stops, the stream stops with it.
        var materializer = ConnectionMaterializer.For(Context, _materializerSettings);
        Task writesDone, readsDone;
        ConnectionHandles handles;
        try
        {
            if (_connection.Ended is { } socketClosed)
            {
                // The transport reports when its socket is closed: no stages to watch it.
                handles = _connection.Flow.JoinMaterialized(_pipeline.Create(context), Keep.Right).Run(materializer);
                writesDone = readsDone = socketClosed;
            }
            else
            {
                (writesDone, readsDone, handles) = Flow.Create<ByteString>()
                    .WatchTermination(Keep.Right)
                    .ViaMaterialized(_connection.Flow, Keep.Left)
                    .WatchTermination(Keep.Both)
                    .JoinMaterialized(_pipeline.Create(context), (done, handles) => (done.Item1, done.Item2, (ConnectionHandles)handles))
                    .Run(materializer);
            }
        }
        catch
        {
            // The graph never ran, so its socket stage never started: close the socket before the supervisor stops us.
            _connection.Flow.Join(Flow.FromSinkAndSource(Sink.Cancelled<ByteString>(), Source.Empty<ByteString>())).Run(materializer);
            throw;
        }
        _handles = handles;

        OutcomeWatch.Start(Self, handles, writesDone, readsDone);
    }

    /// <summary>
    /// The client has its 101: give the connection its identity, put it in the hub, and start the route's handler. In
    /// the hub first, so that whatever the handler's start sets off (a flow's factory runs on it) reaches the connection
    /// by id or user; anything sent to it before the handler runs waits in its outbound queue, in order.
    /// </summary>
    private void StartApplication(Upgraded upgraded)
    {
        if (_handles!.Address is not { IsCompletedSuccessfully: true } address) return; // the stream is already gone
        var info = new ConnectionInfo(_hub.NewConnectionId(), upgraded.View, upgraded.Subprotocol, upgraded.User, address.Result);
        if (upgraded.Route.Handler is ActorHandler actorHandler)
        {
            try
            {
                _app = Context.ActorOf(actorHandler.CreateProps(info), "app");
                Context.Watch(_app);
            }
            catch (Exception e)
            {
                Log.Error(e, "{0}: route {1} could not create its connection actor", _listener, upgraded.Route.Name);
                _handles.WebSocket.Close(CloseStatus.InternalError, "internal error");
                return;
            }
        }
        _info = info;
        _hub.Register(info);
        // Connected is in the actor's mailbox before the connection is told to start, so before any message the
        // connection delivers once started (one it read with the request goes at once): two senders' messages to one
        // actor have no order, only a cause before its effect does.
        _app?.Tell(new Connected(info), info.Connection);
        info.Connection.Tell(new StartConnection(info, _app), Self);
        DeliverClosed(); // the WebSocket may have closed already
        if (upgraded.Expires is { } expires)
        {
            _expires = expires;
            CheckCredentials();
        }
    }

    /// <summary>Tells the connection actor that the WebSocket closed, once it exists and once that is known.</summary>
    private void DeliverClosed()
    {
        if (_app is null || _closed is not { } close || _closedDelivered) return;
        _closedDelivered = true;
        _app.Tell(new Closed(close.InitiatorCode, close.Reason ?? "", close.ByPeer));
        _app.Tell(PoisonPill.Instance); // after Closed, in order: the actor handles it, then stops
    }

    /// <summary>RFC 6455 §7.4.1: 1008 closes a connection whose credentials have expired.</summary>
    private void CheckCredentials()
    {
        if (_expires is not { } expires) return;
        var remaining = expires - DateTimeOffset.UtcNow;
        if (remaining <= TimeSpan.Zero)
        {
            _handles!.WebSocket.Close(CloseStatus.PolicyViolation, "credentials expired");
            return;
        }
        // Long waits are split: the scheduler is not meant for timers of weeks.
        _credentialsTimer?.Cancel();
        _credentialsTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(
            remaining < TimeSpan.FromHours(1) ? remaining : TimeSpan.FromHours(1), Self, CredentialsCheck.Instance, Self);
    }

    private void OnAppStopped()
    {
        _app = null;
        if (_ended)
        {
            Context.Stop(Self);
            return;
        }
        // A failure (logged by the supervisor strategy) is an internal error; an actor that stops itself ends the
        // conversation, after what it sent before it stopped.
        if (_appFailed) _handles!.WebSocket.Close(CloseStatus.InternalError, "internal error");
        else _info?.Connection.Tell(new CloseConnection(CloseStatus.Normal, ""), Self);
    }

    private void LogEnd(Ended ended)
    {
        var peer = _connection.Remote;
        if (ended.Tls is TlsFailed tlsFailed)
        {
            Log.Info("{0} dropped {1}: TLS {2}", _listener, peer, tlsFailed.Reason);
            return;
        }
        // A refusal is what matters about its connection, even when the peer then reset the TLS session (clients
        // often do once they have read the answer).
        if (ended.Handshake is Answered { Status: >= 400 } refused)
        {
            var detail = (refused.Detail is null ? "" : " (" + refused.Detail + ")")
                + (ended.TlsError is { } after ? "; then the TLS session broke: " + after : "");
            Log.Info("{0} refused {1} from {2}: {3} {4}{5}", _listener, refused.Request?.ToString() ?? "request", peer,
                refused.Status, refused.Reason, detail);
            return;
        }
        if (ended.TlsError is { } tlsError)
        {
            Log.Info("{0} dropped {1}: TLS session broke: {2}", _listener, peer, tlsError);
            return;
        }
        switch (ended.Handshake)
        {
            case Answered answered:
                Log.Debug("{0} {1} from {2}: {3}", _listener, answered.Request, peer, answered.Status);
                return;
            case Abandoned abandoned:
                Log.Info("{0} dropped {1}: {2}", _listener, peer, abandoned.Reason);
                return;
        }

        var close = ended.Close;
        bool violation = close.SentCode is CloseStatus.ProtocolError or CloseStatus.InvalidPayload
            or CloseStatus.MessageTooBig or CloseStatus.InternalError;
        var who = _info is null ? peer.ToString() : $"{peer} ({_info.Id})";
        if (ended.TransportFailure is { } failure && !violation)
            Log.Info("{0} lost {1}: connection failed: {2} (sent {3}, received {4})", _listener, who, failure.Message,
                close.SentCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no Close", close.ReceivedCode);
        else if (violation)
            Log.Info("{0} closed {1} with {2}: {3}", _listener, who, close.SentCode, close.Reason);
        else if (Log.IsDebugEnabled)
            Log.Debug($"{_listener} closed {who}: sent {close.SentCode}, received {close.ReceivedCode}, clean={close.Clean}"
                + (close.Reason is null ? "" : ", " + close.Reason)
                + (ended.Tls is TlsEstablished tls ? $", {tls.Protocol} {tls.CipherSuite}, handshake {tls.HandshakeTime.TotalMilliseconds:F1} ms" : ""));
    }
}
