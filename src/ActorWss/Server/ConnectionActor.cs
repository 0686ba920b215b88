using ActorWss.Handlers;
using ActorWss.Http;
using ActorWss.Transport;
using ActorWss.WebSocket;
using Akka;
using Akka.Actor;
using Akka.Event;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorWss.Server;

/// <summary>
/// One accepted connection. Materializes the connection's pipeline with a materializer of its own (so the stream
/// lives and dies with this actor), logs how the handshake and the WebSocket ended, and stops when the socket is
/// done in both directions. On <see cref="Shutdown"/> it starts the closing handshake with the given code.
/// </summary>
public sealed class ConnectionActor : ReceiveActor
{
    /// <summary>Close this connection with <paramref name="Code"/> (§7.1.2), e.g. 1001 at server shutdown.</summary>
    public sealed record Shutdown(ushort Code, string Reason);

    private sealed record HandshakeDone(HandshakeOutcome Outcome);

    /// <summary>Both socket directions are done and the protocol layer has stopped.</summary>
    private sealed record Ended(WebSocketCloseInfo Close, Exception? TransportFailure);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _listener;
    private readonly AcceptedConnection _connection;
    private readonly ConnectionPipeline _pipeline;
    private readonly IMessageHandler _handler;
    private ConnectionHandles? _handles;
    private bool _upgraded;
    private bool _shuttingDown;

    public ConnectionActor(string listener, AcceptedConnection connection, ConnectionPipeline pipeline, IMessageHandler handler)
    {
        _listener = listener;
        _connection = connection;
        _pipeline = pipeline;
        _handler = handler;

        Receive<HandshakeDone>(done => OnHandshake(done.Outcome));
        Receive<Ended>(ended =>
        {
            OnWebSocketClosed(ended.Close);
            if (ended.TransportFailure is { } failure)
                _log.Debug("{0} connection from {1} ended with {2}", _listener, _connection.Remote, failure.Message);
            Context.Stop(Self);
        });
        Receive<Shutdown>(shutdown =>
        {
            _shuttingDown = true;
            if (_upgraded) _handles!.WebSocket.Close(shutdown.Code, shutdown.Reason);
            else Context.Stop(Self); // still in the HTTP phase: nothing to say goodbye to
        });
    }

    public static Props Props(string listener, AcceptedConnection connection, ConnectionPipeline pipeline, IMessageHandler handler) =>
        Akka.Actor.Props.Create(() => new ConnectionActor(listener, connection, pipeline, handler));

    protected override void PreStart()
    {
        var handshake = new TaskCompletionSource<HandshakeOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = new ConnectionContext(_listener, _connection.Remote, handshake.Task);

        // Both directions of the socket are watched: the actor stops only when our writes are finished and the
        // peer's side is closed, so a final Close frame or HTTP answer is never cut off.
        var (writesDone, readsDone, handles) = Flow.Create<ByteString>()
            .WatchTermination(Keep.Right)
            .ViaMaterialized(_connection.Flow, Keep.Left)
            .WatchTermination(Keep.Both)
            .JoinMaterialized(_pipeline.Create(context), (done, handles) => (done.Item1, done.Item2, handles))
            .Run(Context.Materializer(namePrefix: "connection"));
        _handles = handles;

        var self = Self;
        handles.Handshake.ContinueWith(t =>
        {
            handshake.TrySetResult(t.Result);
            self.Tell(new HandshakeDone(t.Result));
        }, TaskContinuationOptions.ExecuteSynchronously);
        var closed = handles.WebSocket.Closed;
        Task.WhenAll(writesDone, readsDone, closed).ContinueWith(
            t => self.Tell(new Ended(closed.Result, t.Exception?.GetBaseException())),
            TaskContinuationOptions.ExecuteSynchronously);
    }

    private void OnHandshake(HandshakeOutcome outcome)
    {
        switch (outcome)
        {
            case Upgraded upgraded:
                _upgraded = true;
                _log.Debug("{0} WebSocket open from {1}: {2}{3}", _listener, _connection.Remote, upgraded.Request.Target,
                    upgraded.Subprotocol is null ? "" : " (" + upgraded.Subprotocol + ")");
                if (_shuttingDown) _handles!.WebSocket.Close(CloseStatus.GoingAway, "server shutting down");
                break;
            case Answered { Status: < 400 } answered:
                _log.Debug("{0} {1} from {2}: {3}", _listener, answered.Request, _connection.Remote, answered.Status);
                break;
            case Answered answered:
                _log.Info("{0} refused {1} from {2}: {3} {4}{5}", _listener, answered.Request?.ToString() ?? "request",
                    _connection.Remote, answered.Status, answered.Reason, answered.Detail is null ? "" : " (" + answered.Detail + ")");
                break;
            case Abandoned abandoned:
                _log.Info("{0} dropped {1}: {2}", _listener, _connection.Remote, abandoned.Reason);
                break;
        }
    }

    private void OnWebSocketClosed(WebSocketCloseInfo info)
    {
        if (!_upgraded) return;
        bool violation = info.SentCode is CloseStatus.ProtocolError or CloseStatus.InvalidPayload
            or CloseStatus.MessageTooBig or CloseStatus.InternalError;
        if (violation)
            _log.Info("{0} closed {1} with {2}: {3}", _listener, _connection.Remote, info.SentCode, info.Reason);
        else
            _log.Debug("{0} closed {1}: sent {2}, received {3}, clean={4}{5}", _listener, _connection.Remote,
                info.SentCode, info.ReceivedCode, info.Clean, info.Reason is null ? "" : ", " + info.Reason);
    }
}
