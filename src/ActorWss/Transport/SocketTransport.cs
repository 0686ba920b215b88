using System.Net;
using System.Net.Sockets;
using ActorWss.Configuration;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace ActorWss.Transport;

/// <summary>
/// The transport whose stages own their sockets (<see cref="SocketConnectionStage"/>): no Akka.IO actors between
/// a connection's stream and its socket. Binds any address, wildcard ones included (0.0.0.0, and :: dual-stack);
/// closing the listening socket leaves accepted connections alone.
/// </summary>
internal sealed class SocketTransport(TransportSettings settings) : IServerTransport
{
    public bool HandsOverReceivedBytes => true; // SocketConnectionStage pushes a copy of each read

    public Source<AcceptedConnection, Task<TransportBinding>> Bind(string host, int port, int backlog) =>
        Source.FromGraph(new SocketListenerStage(host, port, backlog, settings.ReceiveBufferBytes, settings.SendTimeout));
}

/// <summary>Accepts one connection per pull: a connection is accepted only when the listener actor wants one.</summary>
/// <param name="connectionFlow">
/// The stage that serves an accepted socket (it enforces the send timeout itself); null: <see cref="SocketConnectionStage"/>
/// behind <see cref="SendTimeout"/>.
/// </param>
internal sealed class SocketListenerStage(string host, int port, int backlog, int receiveBufferBytes, TimeSpan? sendTimeout = null,
    Func<Socket, (Flow<Akka.IO.ByteString, Akka.IO.ByteString, Akka.NotUsed> Flow, Task? Ended)>? connectionFlow = null)
    : GraphStageWithMaterializedValue<SourceShape<AcceptedConnection>, Task<TransportBinding>>
{
    private readonly Outlet<AcceptedConnection> _out = new("socket-listener.out");

    public override SourceShape<AcceptedConnection> Shape => new(_out);

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("socket-listener");

    private (string Host, int Port, int Backlog, int ReceiveBufferBytes, TimeSpan? SendTimeout) Settings { get; } =
        (host, port, backlog, receiveBufferBytes, sendTimeout);

    private Func<Socket, (Flow<Akka.IO.ByteString, Akka.IO.ByteString, Akka.NotUsed> Flow, Task? Ended)>? ConnectionFlow { get; } = connectionFlow;

    public override ILogicAndMaterializedValue<Task<TransportBinding>> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var bound = new TaskCompletionSource<TransportBinding>(TaskCreationOptions.RunContinuationsAsynchronously);
        return new LogicAndMaterializedValue<Task<TransportBinding>>(new Logic(this, bound), bound.Task);
    }

    /// <summary>The address to bind: an IP literal as is; a name through DNS, IPv4 first.</summary>
    internal static IPEndPoint Resolve(string host, int port)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var address)) return new IPEndPoint(address, port);
        var addresses = Dns.GetHostAddresses(host);
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new SocketException((int)SocketError.HostNotFound);
        return new IPEndPoint(chosen, port);
    }

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string RetryTimer = "accept-retry";
        private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(10);
        private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(1);
        private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);

        private readonly SocketListenerStage _stage;
        private readonly TaskCompletionSource<TransportBinding> _bound;
        private readonly TaskCompletionSource _unbound = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Socket? _listener;
        private Action<Task<Socket>>? _onAccepted;
        /// <summary>The accept whose result this stage has not taken yet: at stop, its socket is closed, not lost.</summary>
        private Task<Socket>? _pending;

        // Failed accepts in a row: the back-off before the next try, and what the log has not said yet.
        private TimeSpan _retryAfter = TimeSpan.Zero;
        private int _failures;
        private int _unlogged;
        private long _lastLogged;

        public Logic(SocketListenerStage stage, TaskCompletionSource<TransportBinding> bound) : base(stage.Shape)
        {
            _stage = stage;
            _bound = bound;
            SetHandler(stage._out, onPull: Accept, onDownstreamFinish: _ => CompleteStage());
        }

        public override void PreStart()
        {
            _onAccepted = GetAsyncCallback<Task<Socket>>(OnAccepted);
            var unbind = GetAsyncCallback(CompleteStage);
            var (host, port, backlog, _, _) = _stage.Settings;
            try
            {
                var endpoint = Resolve(host, port);
                _listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                if (endpoint.Address.Equals(IPAddress.IPv6Any)) _listener.DualMode = true; // "::" serves IPv4 too
                _listener.Bind(endpoint);
                _listener.Listen(backlog);
                _bound.TrySetResult(new TransportBinding(_listener.LocalEndPoint!, () =>
                {
                    unbind();
                    return _unbound.Task;
                }));
            }
            catch (SocketException e)
            {
                _bound.TrySetException(new IOException($"cannot bind {host}:{port}: {e.Message}", e));
                FailStage(e);
            }
        }

        public override void PostStop()
        {
            // An accept that completes now (or completed, its callback not yet run) has a socket nobody will serve.
            _pending?.ContinueWith(static accept =>
            {
                if (accept.IsCompletedSuccessfully) accept.Result.Dispose();
            }, TaskContinuationOptions.ExecuteSynchronously);
            _listener?.Dispose();
            _unbound.TrySetResult();
            _bound.TrySetException(new IOException("the listener stopped before it was bound"));
        }

        private void Accept()
        {
            if (_listener is null) return;
            Task<Socket> accept;
            try { accept = _listener.AcceptAsync(); }
            catch (Exception e) when (e is SocketException or ObjectDisposedException) { accept = Task.FromException<Socket>(e); }
            _pending = accept;
            accept.ContinueWith(_onAccepted!, TaskContinuationOptions.ExecuteSynchronously);
        }

        protected override void OnTimer(object timerKey) => Accept();

        private void OnAccepted(Task<Socket> accept)
        {
            _pending = null;
            if (!accept.IsCompletedSuccessfully)
            {
                var error = accept.Exception?.GetBaseException();
                if (error is ObjectDisposedException)
                {
                    FailStage(new IOException("the listening socket was closed", error)); // nothing to retry: the listener binds again
                    return;
                }
                OnAcceptFailed(error?.Message ?? "cancelled");
                return;
            }
            var socket = accept.Result;
            AcceptedConnection connection;
            try
            {
                socket.NoDelay = true;
                if (_stage.ConnectionFlow is { } create)
                {
                    var (flow, ended) = create(socket);
                    connection = new AcceptedConnection(socket.LocalEndPoint!, socket.RemoteEndPoint!, flow, ended);
                }
                else
                {
                    connection = new AcceptedConnection(socket.LocalEndPoint!, socket.RemoteEndPoint!,
                        SendTimeout.Create(_stage.Settings.SendTimeout)
                            .Via(Flow.FromGraph(new SocketConnectionStage(socket, _stage.Settings.ReceiveBufferBytes))));
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Gone between accept and here (reset by the peer): not a connection to hand out.
                socket.Dispose();
                Accept();
                return;
            }
            if (_failures > 0)
            {
                Log.Warning("accepting again after {0} failed accept(s)", _failures);
                _failures = _unlogged = 0;
                _retryAfter = TimeSpan.Zero;
            }
            Push(_stage._out, connection);
        }

        /// <summary>
        /// An accept failed (a file-descriptor limit, memory): try again after a back-off that doubles up to a
        /// second, because the cause usually lasts (with EMFILE the connection stays queued and every immediate retry
        /// fails at once); say so in the log at most once per <see cref="LogEvery"/>, with the count of the others.
        /// </summary>
        private void OnAcceptFailed(string reason)
        {
            _failures++;
            long now = Environment.TickCount64;
            if (_failures == 1 || now - _lastLogged >= (long)LogEvery.TotalMilliseconds)
            {
                Log.Warning("accept failed: {0}{1}; retrying with back-off", reason,
                    _unlogged == 0 ? "" : $" ({_unlogged} more failure(s) since the last report)");
                _lastLogged = now;
                _unlogged = 0;
            }
            else
            {
                _unlogged++;
            }
            _retryAfter = _retryAfter == TimeSpan.Zero ? FirstRetry : TimeSpan.FromTicks(Math.Min(_retryAfter.Ticks * 2, LastRetry.Ticks));
            ScheduleOnce(RetryTimer, _retryAfter);
        }
    }
}
