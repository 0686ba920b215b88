using System.Net;
using ActorWss.Configuration;
using ActorWss.Http;
using ActorWss.Transport;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorWss.Server;

/// <summary>
/// One listening socket. Binds through the transport, takes connections as it acknowledges them (the accept stream
/// is back-pressured by acks, <see cref="HandOffSink{T}"/>), spawns a <see cref="ConnectionActor"/> per connection,
/// and answers 503 beyond <see cref="ListenerSettings.MaxConnections"/>. At shutdown: <see cref="StopAccepting"/>
/// (new connections get 503), <see cref="Drain"/> (every connection is asked to close), then <see cref="Unbind"/>.
/// The socket is unbound last because Akka.IO's listener owns the connections it accepted: unbinding stops them all
/// at once. An accept stream that fails or ends before that is bound again on the same port, with back-off.
/// </summary>
internal sealed class ListenerActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    /// <summary>Replies <see cref="Bound"/> once listening, or a <see cref="Status.Failure"/> if the bind failed.</summary>
    public sealed class GetBinding
    {
        public static GetBinding Instance { get; } = new();
    }

    public sealed record Bound(string Listener, string Scheme, IPEndPoint Endpoint);

    /// <summary>Refuse new connections with 503 from now on; replies <see cref="StoppedAccepting"/>.</summary>
    public sealed class StopAccepting
    {
        public static StopAccepting Instance { get; } = new();
    }

    public sealed class StoppedAccepting
    {
        public static StoppedAccepting Instance { get; } = new();
    }

    /// <summary>Close the listening socket (and, with Akka.IO, every connection still open); replies <see cref="Unbound"/>.</summary>
    public sealed class Unbind
    {
        public static Unbind Instance { get; } = new();
    }

    public sealed class Unbound
    {
        public static Unbound Instance { get; } = new();
    }

    /// <summary>
    /// Close every connection with <paramref name="Code"/>, <paramref name="BatchSize"/> at a time every
    /// <paramref name="Interval"/> (so that clients do not all reconnect at once); replies <see cref="Drained"/> when all are
    /// gone or at the timeout.
    /// </summary>
    public sealed record Drain(ushort Code, string Reason, TimeSpan Timeout, int BatchSize = int.MaxValue, TimeSpan Interval = default);

    /// <summary><paramref name="Remaining"/>: connections still open at the timeout.</summary>
    public sealed record Drained(string Listener, int Remaining);

    /// <summary>Replies the number of open connections (an int).</summary>
    public sealed class GetConnectionCount
    {
        public static GetConnectionCount Instance { get; } = new();
    }

    /// <summary>Acks that reach an accept stream after it ended are expected (it hands connections over before its end).</summary>
    private sealed class StreamAck : IDeadLetterSuppression { public static readonly StreamAck Instance = new(); }
    private sealed class StreamDone { public static readonly StreamDone Instance = new(); }
    private sealed record BindResult(TransportBinding? Binding, Exception? Failure);
    private sealed class DrainTimeout { public static readonly DrainTimeout Instance = new(); }
    private sealed class DrainBatch { public static readonly DrainBatch Instance = new(); }
    private sealed class RejectionDone { public static readonly RejectionDone Instance = new(); }
    private sealed class Rebind { public static readonly Rebind Instance = new(); }

    /// <summary>A failed accept stream is bound again after this, doubling up to <see cref="LastRebindDelay"/>.</summary>
    private static readonly TimeSpan FirstRebindDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRebindDelay = TimeSpan.FromSeconds(10);

    /// <summary>Over-capacity connections answered at once; beyond this they are closed without an answer.</summary>
    private const int MaxConcurrentRejections = 256;

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ListenerSettings _settings;
    private readonly IServerTransport _transport;
    private readonly ConnectionPipeline _pipeline;
    private readonly HashSet<IActorRef> _connections = [];
    private readonly List<IActorRef> _drainWaiters = [];
    private Drain? _drain;
    private Queue<IActorRef>? _drainQueue;
    private TransportBinding? _binding;
    /// <summary>Runs the accept stream and every connection's stream, on the transport's dispatcher.</summary>
    private IMaterializer? _materializer;
    /// <summary>Read once: each connection actor materializes its stream with these.</summary>
    private ActorMaterializerSettings? _materializerSettings;
    private int _rejecting;
    private bool _refusing;
    private bool _unbinding;
    private TimeSpan _rebindDelay = FirstRebindDelay;
    private long _accepted;

    public ListenerActor(ListenerSettings settings, IServerTransport transport, ConnectionPipeline pipeline)
    {
        _settings = settings;
        _transport = transport;
        _pipeline = pipeline;
        Binding();
    }

    public IStash Stash { get; set; } = null!;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// A connection actor that fails is stopped, never restarted: a restart would materialize its one-shot socket flow
    /// again. Its PostStop accounts for it; the failure is logged once.
    /// </summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    public static Props Props(ListenerSettings settings, IServerTransport transport, ConnectionPipeline pipeline) =>
        Akka.Actor.Props.Create(() => new ListenerActor(settings, transport, pipeline));

    protected override void PreStart()
    {
        var settings = ActorMaterializerSettings.Create(Context.System);
        _materializerSettings = _pipeline.Dispatcher is { } dispatcher ? settings.WithDispatcher(dispatcher) : settings;
        _materializer = Context.Materializer(_materializerSettings, namePrefix: "accept");
        StartAccepting(_settings.Port);
    }

    private void StartAccepting(int port)
    {
        var self = Self;
        Task<TransportBinding> bound;
        try
        {
            bound = _transport.Bind(_settings.Host, port, _settings.Backlog)
                .ToMaterialized(Sink.FromGraph(new HandOffSink<AcceptedConnection>(self, StreamAck.Instance, StreamDone.Instance,
                    failure => new Status.Failure(failure))), Keep.Left)
                .Run(_materializer);
        }
        catch (Exception e)
        {
            bound = Task.FromException<TransportBinding>(e); // e.g. a host the transport cannot resolve: fail the start now
        }
        bound.ContinueWith(t => self.Tell(new BindResult(t.IsCompletedSuccessfully ? t.Result : null, t.Exception?.GetBaseException())),
            TaskContinuationOptions.ExecuteSynchronously);
    }

    private void Binding()
    {
        Receive<BindResult>(result =>
        {
            if (result.Binding is { } binding)
            {
                _binding = binding;
                _log.Info("Listening on {0}://{1}/ ({2})", _settings.Scheme, FormatEndpoint(binding.LocalAddress), _settings.Name);
                Become(Listening);
                Stash.UnstashAll();
            }
            else
            {
                _log.Error("{0}: {1}", _settings.Name, result.Failure?.Message ?? $"cannot bind {_settings.Host}:{_settings.Port}");
                Become(BindFailed(result.Failure ?? new InvalidOperationException("bind failed")));
                Stash.UnstashAll();
            }
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private Action BindFailed(Exception failure) => () =>
    {
        Receive<GetBinding>(_ => Sender.Tell(new Status.Failure(new InvalidOperationException(
            $"listener {_settings.Name}: {failure.Message}", failure))));
        ReceiveAny(_ => { });
    };

    private void Listening()
    {
        Receive<AcceptedConnection>(connection =>
        {
            Accept(connection);
            Sender.Tell(StreamAck.Instance);
        });
        // An accept stream that ends while the listener should accept would leave it deaf: bind the same port again.
        Receive<StreamDone>(_ =>
        {
            if (_unbinding) _log.Debug("{0}: accept stream completed", _settings.Name);
            else ScheduleRebind("accept stream completed");
        });
        Receive<Status.Failure>(failure => ScheduleRebind("accept stream failed: " + failure.Cause.Message));
        Receive<Rebind>(_ => StartAccepting(((IPEndPoint)_binding!.LocalAddress).Port));
        Receive<BindResult>(result =>
        {
            if (result.Binding is { } binding)
            {
                _binding = binding;
                _rebindDelay = FirstRebindDelay;
                _log.Warning("{0}: accepting again on {1}", _settings.Name, FormatEndpoint(binding.LocalAddress));
            }
            else
            {
                ScheduleRebind("binding again failed: " + (result.Failure?.Message ?? "?"));
            }
        });
        Receive<GetBinding>(_ => Sender.Tell(new Bound(_settings.Name, _settings.Scheme, ToIpEndPoint(_binding!.LocalAddress))));
        Receive<GetConnectionCount>(_ => Sender.Tell(_connections.Count));
        Receive<Terminated>(terminated => OnConnectionGone(terminated.ActorRef));
        Receive<StopAccepting>(_ =>
        {
            _refusing = true;
            _log.Info("{0}: refusing new connections", _settings.Name);
            Sender.Tell(StoppedAccepting.Instance);
        });
        Receive<Unbind>(_ =>
        {
            _unbinding = true;
            Timers.Cancel(Rebind.Instance);
            var binding = _binding!;
            binding.Unbind().PipeTo(Sender, success: () => Unbound.Instance);
            _log.Info("{0}: closed {1}", _settings.Name, FormatEndpoint(binding.LocalAddress));
        });
        Receive<Drain>(drain =>
        {
            _drainWaiters.Add(Sender);
            if (_connections.Count == 0)
            {
                ReplyDrained();
                return;
            }
            _log.Info("{0}: closing {1} connection(s) with {2}{3}", _settings.Name, _connections.Count, drain.Code,
                _connections.Count > drain.BatchSize ? $", {drain.BatchSize} every {drain.Interval.TotalMilliseconds:0} ms" : "");
            _drainQueue = new Queue<IActorRef>(_connections);
            _drain = drain;
            CloseNextBatch();
            Timers.StartSingleTimer(DrainTimeout.Instance, DrainTimeout.Instance, drain.Timeout);
        });
        Receive<DrainBatch>(_ => CloseNextBatch());
        Receive<DrainTimeout>(_ => ReplyDrained());
        Receive<RejectionDone>(_ => _rejecting--);
    }

    private void ScheduleRebind(string why)
    {
        if (_unbinding) return;
        _log.Error("{0}: {1}; accepting nothing until the port is bound again in {2} ms", _settings.Name, why,
            (long)_rebindDelay.TotalMilliseconds);
        Timers.StartSingleTimer(Rebind.Instance, Rebind.Instance, _rebindDelay);
        _rebindDelay = TimeSpan.FromTicks(Math.Min(_rebindDelay.Ticks * 2, LastRebindDelay.Ticks));
    }

    private void CloseNextBatch()
    {
        if (_drain is not { } drain || _drainQueue is null) return;
        for (int i = 0; i < drain.BatchSize && _drainQueue.TryDequeue(out var connection); i++)
            connection.Tell(new ConnectionActor.Shutdown(drain.Code, drain.Reason));
        if (_drainQueue.Count > 0) Timers.StartSingleTimer(DrainBatch.Instance, DrainBatch.Instance, drain.Interval);
    }

    private void Accept(AcceptedConnection connection)
    {
        if (_refusing)
        {
            Refuse(connection, RefusingRouter.ShuttingDown);
            return;
        }
        if (_connections.Count >= _settings.MaxConnections)
        {
            _log.Warning("{0}: connection limit {1} reached; answering 503 to {2}", _settings.Name, _settings.MaxConnections, connection.Remote);
            Refuse(connection, RefusingRouter.OverCapacity);
            return;
        }
        var name = $"c{++_accepted}";
        var actor = Context.ActorOf(ConnectionActor.Props(_settings.Name, connection, _pipeline, _materializerSettings!), name);
        Context.Watch(actor);
        _connections.Add(actor);
    }

    private void Refuse(AcceptedConnection connection, RefusingRouter refusal)
    {
        if (_rejecting >= MaxConcurrentRejections)
        {
            _log.Warning("{0}: at {1} connections and {2} pending rejections; dropping {3}", _settings.Name,
                _connections.Count, _rejecting, connection.Remote);
            connection.Flow.Join(Flow.FromSinkAndSource(Sink.Cancelled<Akka.IO.ByteString>(), Source.Empty<Akka.IO.ByteString>()))
                .Run(_materializer!);
            return;
        }
        _rejecting++;
        _pipeline.Metrics.Refused.Increment(refusal.Reason);
        var self = Self;
        var done = connection.Flow.WatchTermination(Keep.Right).Join(_pipeline.CreateRefusal(refusal)).Run(_materializer!);
        done.ContinueWith(_ => self.Tell(RejectionDone.Instance), TaskContinuationOptions.ExecuteSynchronously);
    }

    private void OnConnectionGone(IActorRef connection)
    {
        _connections.Remove(connection);
        if (_connections.Count == 0 && _drainWaiters.Count > 0) ReplyDrained();
    }

    private void ReplyDrained()
    {
        if (_connections.Count > 0)
            _log.Warning("{0}: {1} connection(s) still open at the end of the drain time", _settings.Name, _connections.Count);
        foreach (var waiter in _drainWaiters) waiter.Tell(new Drained(_settings.Name, _connections.Count));
        _drainWaiters.Clear();
    }

    private static IPEndPoint ToIpEndPoint(EndPoint endpoint) => endpoint as IPEndPoint
        ?? throw new InvalidOperationException($"bound to a non-IP endpoint {endpoint}");

    private static string FormatEndpoint(EndPoint endpoint) => endpoint is IPEndPoint ip
        ? (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip.Address}]:{ip.Port}" : $"{ip.Address}:{ip.Port}")
        : endpoint.ToString() ?? "?";
}
