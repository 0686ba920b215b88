using ActorWss.Routing;
using ActorWss.Server;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using ActorWss.Streams;

namespace ActorWss.Connections;

/// <summary>
/// The application end of a connection, joined to the protocol layer's message ports. Until the connection's actor
/// starts it (<see cref="StartConnection"/>, right after the handshake), nothing is read; then it serves the route's
/// handler:
/// <code>
///   client messages  ~> [ echo | flow handler | connection actor (acknowledged) ] ~> messages to the client
///   pushes, topic messages, actor replies ~> [ bounded outbound queue, overflow policy ] ~> messages to the client
/// </code>
/// Its stage actor is the connection's address (<see cref="ConnectionInfo.Connection"/>): everything sent to the
/// connection enters the stream here, one thread hop, with no actor in between. Output from the handler itself (an echo,
/// a flow's elements) is back-pressured; messages from outside go through the queue. The stage stays up until the
/// connection's stream is torn down, so that messages sent to a closing connection are counted, not lost silently.
/// </summary>
internal static class ConnectionHandlerFlow
{
    /// <param name="context">The connection's context; null: the one among the graph's attributes (a blueprint shared by connections).</param>
    public static Flow<Message, Message, Task<IActorRef>> Create(ConnectionContext? context, IConnectionObserver? observer) =>
        Flow.FromGraph(new HandlerStage(context, observer));
}

internal sealed class HandlerStage(ConnectionContext? context, IConnectionObserver? observer)
    : GraphStageWithMaterializedValue<FlowShape<Message, Message>, Task<IActorRef>>
{
    private readonly Inlet<Message> _in = new("handler.from-client");
    private readonly Outlet<Message> _out = new("handler.to-client");

    public override FlowShape<Message, Message> Shape => new(_in, _out);

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("handler");

    public override ILogicAndMaterializedValue<Task<IActorRef>> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var address = new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously);
        var connection = context ?? inheritedAttributes.GetAttribute<ConnectionContext>()
            ?? throw new InvalidOperationException("the handler stage needs the connection's context (a parameter or an attribute of the graph)");
        return new LogicAndMaterializedValue<Task<IActorRef>>(new Logic(this, connection, observer, address), address.Task);
    }

    private enum Phase
    {
        /// <summary>The handshake is not done yet (or the actor has not started the handler): nothing is read.</summary>
        AwaitingStart,
        /// <summary>Messages flow both ways.</summary>
        Serving,
        /// <summary>The protocol layer takes no more messages: the WebSocket is closing or closed.</summary>
        Closed,
    }

    private enum Mode { Echo, Flow, Actor }

    private sealed class Logic : ConnectionStageLogic, IInHandler, IOutHandler
    {
        private static readonly object StageLogSource = LogSourceOf("handler", typeof(HandlerStage));

        private const string CloseFlushTimer = "close-flush";

        private readonly HandlerStage _stage;
        private readonly ConnectionContext _context;
        private readonly IConnectionObserver? _observer;
        private readonly TaskCompletionSource<IActorRef> _address;
        private IActorRef _self = ActorRefs.Nobody;
        private Phase _phase = Phase.AwaitingStart;
        private Mode _mode;
        private OutboundQueue? _queue; // made when the first message comes, which may be before the handler starts

        // A close asked for with CloseConnection: it starts once what was sent before it is out (or at the close timeout).
        private CloseConnection? _closeAfterFlush;

        // Echo and flow: one element of the handler's own output, waiting for the protocol layer to take it.
        private Message? _handlerReply;
        private bool _handlerFinished;

        // Flow: the user's flow, materialized inside this stream.
        private SubSourceOutlet<Message>? _toFlow;
        private SubSinkInlet<Message>? _fromFlow;

        // Actor: the connection actor, and whether it has acknowledged the last client message.
        private IActorRef? _app;
        private bool _awaitingAck;

        public Logic(HandlerStage stage, ConnectionContext context, IConnectionObserver? observer, TaskCompletionSource<IActorRef> address)
            : base(1, 1, StageLogSource)
        {
            _stage = stage;
            _context = context;
            _observer = observer;
            _address = address;
            SetHandler(stage._in, (IInHandler)this); // the logic handles its ports itself: no delegates per connection
            SetHandler(stage._out, (IOutHandler)this);
        }

        void IInHandler.OnPush() => OnClientMessage();

        void IInHandler.OnUpstreamFinish() => OnClientDone();

        void IInHandler.OnUpstreamFailure(Exception e) => OnClientDone();

        void IOutHandler.OnPull() => Deliver();

        void IOutHandler.OnDownstreamFinish(Exception cause) => OnProtocolClosed();

        public override void PreStart()
        {
            SetKeepGoing(true); // ends with the connection's stream, not with the WebSocket: see the class comment
            _self = GetStageActor(OnMessage).Ref;
            _address.TrySetResult(_self);
        }

        protected override void OnStop() => _address.TrySetCanceled();

        // ---- messages to the connection (its stage actor) ------------------------------------------------------

        private void OnMessage((IActorRef Sender, object Message) envelope)
        {
            switch (envelope.Message)
            {
                case Message message:
                    Send(message);
                    break;
                case Published published:
                    if (!_self.Equals(published.Except)) Send(published.Message);
                    break;
                case CloseConnection close:
                    CloseAfterFlush(close);
                    break;
                case InboundAck:
                    _awaitingAck = false;
                    if (_mode != Mode.Actor) break;
                    if (IsClosed(_stage._in)) FinishHandler(); // the client's last message is handled
                    else PullClient();
                    break;
                case StartConnection start:
                    Start(start);
                    break;
                default:
                    Log.Warning("connection {0}: ignoring a message of type {1} from {2}", _self.Path.Name,
                        envelope.Message.GetType().Name, envelope.Sender);
                    break;
            }
        }

        private void Start(StartConnection start)
        {
            if (_phase != Phase.AwaitingStart) return;
            var route = _context.Upgrade?.Route ?? throw new InvalidOperationException("started before the upgrade");
            _phase = Phase.Serving;
            switch (route.Handler)
            {
                case EchoHandler:
                    _mode = Mode.Echo;
                    Deliver();
                    break;
                case FlowHandler flow:
                    _mode = Mode.Flow;
                    StartFlow(flow, start.Info);
                    break;
                case ActorHandler:
                    _mode = Mode.Actor;
                    _app = start.App ?? throw new InvalidOperationException("an actor route started without its actor");
                    PullClient();
                    break;
            }
            if (_queue is { Count: > 0 }) Deliver(); // messages sent to the connection before its handler started
            // The client was done before the handler existed (its Close came with the request): finish now.
            if (IsClosed(_stage._in)) OnClientDone();
        }

        /// <summary>The route's name, for the observer: the connection is upgraded before any message can reach it.</summary>
        private string RouteName => _context.Upgrade?.Route.Name ?? "";

        /// <summary>
        /// The route's outbound queue. The connection is in the hub before its handler starts (so that whatever the
        /// handler's start sets off can reach it), so messages may come first: they wait here, in order.
        /// </summary>
        private OutboundQueue Queue
        {
            get
            {
                if (_queue is null)
                {
                    var route = _context.Upgrade?.Route ?? throw new InvalidOperationException("a message before the upgrade");
                    _queue = new OutboundQueue(route.OutboundQueueSize, route.Overflow);
                }
                return _queue;
            }
        }

        /// <summary>A message from outside the connection: through the queue, under the route's overflow policy.</summary>
        private void Send(Message message)
        {
            if (_phase == Phase.Closed || _closeAfterFlush is not null)
            {
                _observer?.OnOutboundDropped(RouteName, OutboundDrop.Closed);
                return;
            }
            switch (Queue.Offer(message))
            {
                case OfferOutcome.DroppedOldest:
                    _observer?.OnOutboundDropped(RouteName, OutboundDrop.DropOldest);
                    break;
                case OfferOutcome.DroppedNewest:
                    _observer?.OnOutboundDropped(RouteName, OutboundDrop.DropNewest);
                    break;
                case OfferOutcome.Overflowed:
                    Overflow();
                    return;
            }
            Deliver();
        }

        private void Overflow()
        {
            var queue = Queue;
            ushort code = queue.Policy == OverflowPolicy.Close1008 ? CloseStatus.PolicyViolation : CloseStatus.TryAgainLater;
            _observer?.OnOutboundDropped(RouteName, OutboundDrop.Overflow);
            _observer?.OnOverflowClose(RouteName, code);
            queue.Clear();
            _phase = Phase.Closed;
            _context.Control.Close(code, $"outbound queue overflow: more than {queue.Capacity} messages waiting for the client");
        }

        /// <summary>
        /// §7.1.2, started by the application: the messages it sent before are delivered first (a Close frame ends the
        /// data frames). A client that does not read them within the close timeout gets the Close anyway.
        /// </summary>
        private void CloseAfterFlush(CloseConnection close)
        {
            if (_phase == Phase.Closed || _closeAfterFlush is not null) return;
            _closeAfterFlush = close;
            ScheduleOnce(CloseFlushTimer, _context.CloseTimeout);
            Deliver();
        }

        protected override void OnTimer(object timerKey)
        {
            if (timerKey is CloseFlushTimer && _closeAfterFlush is { } close && _phase != Phase.Closed) StartClose(close);
        }

        private void StartClose(CloseConnection close)
        {
            _closeAfterFlush = null;
            _phase = Phase.Closed;
            _queue?.Clear();
            _handlerReply = null;
            _context.Control.Close(close.Code, close.Reason);
        }

        // ---- towards the client --------------------------------------------------------------------------------

        /// <summary>The protocol layer can take a message: the handler's own output first, then the queue.</summary>
        private void Deliver()
        {
            if (!IsAvailable(_stage._out) || _phase != Phase.Serving) return;
            if (_handlerReply is { } reply)
            {
                _handlerReply = null;
                Push(_stage._out, reply);
                return;
            }
            if (_queue is not null && _queue.TryTake(out var queued))
            {
                Push(_stage._out, queued);
                return;
            }
            if (_closeAfterFlush is { } close)
            {
                StartClose(close); // everything sent before the close is out
                return;
            }
            if (_handlerFinished)
            {
                Complete(_stage._out); // the handler is done and everything is sent: close normally (1000)
                return;
            }
            switch (_mode)
            {
                case Mode.Echo:
                    PullClient();
                    break;
                case Mode.Flow when _fromFlow is { IsClosed: false, HasBeenPulled: false } fromFlow:
                    fromFlow.Pull();
                    break;
            }
        }

        private void HandlerOutput(Message message)
        {
            if (_phase != Phase.Serving) return;
            if (IsAvailable(_stage._out) && (_queue is null || _queue.Count == 0)) Push(_stage._out, message);
            else _handlerReply = message;
        }

        private void OnProtocolClosed()
        {
            _phase = Phase.Closed;
            _closeAfterFlush = null;
            _queue?.Clear();
            _handlerReply = null;
            if (_fromFlow is { IsClosed: false } fromFlow) fromFlow.Cancel();
        }

        // ---- from the client -----------------------------------------------------------------------------------

        private void PullClient()
        {
            if (_phase == Phase.Serving && !IsClosed(_stage._in) && !HasBeenPulled(_stage._in) && !_awaitingAck) Pull(_stage._in);
        }

        private void OnClientMessage()
        {
            var message = Grab(_stage._in);
            switch (_mode)
            {
                case Mode.Echo:
                    HandlerOutput(message);
                    break;
                case Mode.Flow:
                    _toFlow!.Push(message);
                    break;
                case Mode.Actor:
                    _awaitingAck = true;
                    _app!.Tell(new InboundDelivery(message), _self);
                    break;
            }
        }

        /// <summary>The client sends no more (its Close, or the connection ended); the connection actor hears of it from its actor.</summary>
        private void OnClientDone()
        {
            if (_phase == Phase.AwaitingStart) return; // the mode is not known yet: Start finishes the handler
            switch (_mode)
            {
                case Mode.Flow:
                    if (_toFlow is { IsClosed: false } toFlow) toFlow.Complete(); // the flow's output decides the end
                    break;
                case Mode.Echo:
                    FinishHandler();
                    break;
                case Mode.Actor when !_awaitingAck:
                    FinishHandler();
                    break;
            }
        }

        /// <summary>
        /// Echo, and an actor that has handled every client message: once what is queued is sent, the peer's Close is
        /// answered (RFC 6455 §5.5.1) at once rather than at the close timeout. Later pushes are counted drops.
        /// </summary>
        private void FinishHandler()
        {
            _handlerFinished = true;
            Deliver();
        }

        // ---- the flow handler ----------------------------------------------------------------------------------

        private void StartFlow(FlowHandler handler, ConnectionInfo info)
        {
            Flow<Message, Message, Akka.NotUsed> flow;
            try
            {
                flow = handler.Create(info);
            }
            catch (Exception e)
            {
                Log.Error(e, "connection {0}: the route's flow factory failed", info.Id);
                Fail(_stage._out, e); // the protocol layer closes with 1011
                return;
            }
            _toFlow = new SubSourceOutlet<Message>(this, "to-handler");
            _fromFlow = new SubSinkInlet<Message>(this, "from-handler");
            _toFlow.SetHandler(new ToFlow(this));
            _fromFlow.SetHandler(new FromFlow(this));
            Source.FromGraph(_toFlow.Source).Via(flow).RunWith(Sink.FromGraph(_fromFlow.Sink), SubFusingMaterializer);
            Deliver();
        }

        private sealed class ToFlow(Logic logic) : OutHandler
        {
            public override void OnPull() => logic.PullClient();

            public override void OnDownstreamFinish(Exception cause)
            {
                // The flow takes no more messages: the client's are not read any more (back-pressure). How its output
                // ends decides the close: completed, 1000 once everything is sent; failed, 1011. (A flow that fails
                // cancels its input first, so closing here would always say 1000.)
            }
        }

        private sealed class FromFlow(Logic logic) : InHandler
        {
            public override void OnPush() => logic.HandlerOutput(logic._fromFlow!.Grab());

            public override void OnUpstreamFinish()
            {
                logic._handlerFinished = true;
                logic.Deliver();
            }

            public override void OnUpstreamFailure(Exception e)
            {
                if (!logic.IsClosed(logic._stage._out)) logic.Fail(logic._stage._out, e); // 1011
            }
        }
    }
}
