using ActorWss.Handlers;
using ActorWss.Http;
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
/// One accepted connection. Materializes the connection's pipeline with a materializer of its own (so the stream
/// lives and dies with this actor), stops when the socket is done in both directions, and then logs how the
/// connection ended: one line, at Info when something was refused or broken, at Debug otherwise. On
/// <see cref="Shutdown"/> it starts the closing handshake with the given code.
/// </summary>
internal sealed class ConnectionActor : ReceiveActor
{
    /// <summary>Close this connection with <paramref name="Code"/> (§7.1.2), e.g. 1001 at server shutdown.</summary>
    public sealed record Shutdown(ushort Code, string Reason);

    /// <summary>Both socket directions are done and every layer has reported how it ended.</summary>
    private sealed record Ended(HandshakeOutcome Handshake, WebSocketCloseInfo Close, TlsOutcome? Tls, string? TlsError,
        Exception? TransportFailure);

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly string _listener;
    private readonly AcceptedConnection _connection;
    private readonly ConnectionPipeline _pipeline;
    private ConnectionHandles? _handles;

    public ConnectionActor(string listener, AcceptedConnection connection, ConnectionPipeline pipeline)
    {
        _listener = listener;
        _connection = connection;
        _pipeline = pipeline;

        Receive<Ended>(ended =>
        {
            if (ended.Handshake is Upgraded) _pipeline.Metrics.OnClosed(ended.Close);
            LogEnd(ended);
            Context.Stop(Self);
        });
        Receive<Shutdown>(shutdown =>
        {
            // The handshake's task tells whether the client has its 101: the task completes before the 101 is written.
            var handshake = _handles!.Handshake;
            if (!handshake.IsCompleted) Context.Stop(Self); // still reading the request: nothing to say goodbye to
            else if (handshake.Result is Upgraded) _handles.WebSocket.Close(shutdown.Code, shutdown.Reason);
            // otherwise an HTTP answer is already closing the connection
        });
    }

    public static Props Props(string listener, AcceptedConnection connection, ConnectionPipeline pipeline) =>
        Akka.Actor.Props.Create(() => new ConnectionActor(listener, connection, pipeline));

    protected override void PostStop() => _pipeline.Metrics.ConnectionClosed();

    protected override void PreStart()
    {
        _pipeline.Metrics.ConnectionOpened();
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
        handles.Handshake.ContinueWith(t => handshake.TrySetResult(t.Result), TaskContinuationOptions.ExecuteSynchronously);
        Task tlsHandshake = handles.Tls?.Handshake ?? Task.CompletedTask, tlsEnd = handles.Tls?.Error ?? Task.CompletedTask;
        Task.WhenAll(writesDone, readsDone, handles.WebSocket.Closed, handles.Handshake, tlsHandshake, tlsEnd).ContinueWith(
            t => self.Tell(new Ended(handles.Handshake.Result, handles.WebSocket.Closed.Result, handles.Tls?.Handshake.Result,
                handles.Tls?.Error.Result, t.Exception?.Flatten().InnerExceptions[0])), // both socket directions report the same failure
            TaskContinuationOptions.ExecuteSynchronously);
    }

    private void LogEnd(Ended ended)
    {
        var peer = _connection.Remote;
        if (ended.Tls is TlsFailed tlsFailed)
        {
            _log.Info("{0} dropped {1}: TLS {2}", _listener, peer, tlsFailed.Reason);
            return;
        }
        if (ended.TlsError is { } tlsError)
        {
            _log.Info("{0} dropped {1}: TLS session broke: {2}", _listener, peer, tlsError);
            return;
        }
        switch (ended.Handshake)
        {
            case Answered { Status: >= 400 } answered:
                _log.Info("{0} refused {1} from {2}: {3} {4}{5}", _listener, answered.Request?.ToString() ?? "request", peer,
                    answered.Status, answered.Reason, answered.Detail is null ? "" : " (" + answered.Detail + ")");
                return;
            case Answered answered:
                _log.Debug("{0} {1} from {2}: {3}", _listener, answered.Request, peer, answered.Status);
                return;
            case Abandoned abandoned:
                _log.Info("{0} dropped {1}: {2}", _listener, peer, abandoned.Reason);
                return;
        }

        var close = ended.Close;
        bool violation = close.SentCode is CloseStatus.ProtocolError or CloseStatus.InvalidPayload
            or CloseStatus.MessageTooBig or CloseStatus.InternalError;
        if (ended.TransportFailure is { } failure && !violation)
            _log.Info("{0} lost {1}: connection failed: {2} (sent {3}, received {4})", _listener, peer, failure.Message,
                close.SentCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "no Close", close.ReceivedCode);
        else if (violation)
            _log.Info("{0} closed {1} with {2}: {3}", _listener, peer, close.SentCode, close.Reason);
        else if (_log.IsDebugEnabled)
            _log.Debug($"{_listener} closed {peer}: sent {close.SentCode}, received {close.ReceivedCode}, clean={close.Clean}"
                + (close.Reason is null ? "" : ", " + close.Reason)
                + (ended.Tls is TlsEstablished tls ? $", {tls.Protocol} {tls.CipherSuite}, handshake {tls.HandshakeTime.TotalMilliseconds:F1} ms" : ""));
    }
}
