using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Stage;

namespace ActorWss.Server;

/// <summary>
/// Tells each element to an actor the moment it arrives, with at most <c>window</c> of them unacknowledged, then
/// the completion or the failure. Unlike <c>Sink.ActorRefWithAck</c> it never holds an element back (that sink keeps
/// up to 16 until the actor acknowledges, and drops them if the stream fails first): an accepted connection is a
/// socket, and one dropped there is never answered nor closed. Here everything pulled is already in the actor's
/// mailbox, ahead of the end of the stream, because both come from the same sender.
/// </summary>
/// <remarks>
/// The actor answers each element with <c>ack</c> to its sender. If the actor stops, the stream is cancelled. A stream
/// stopped from outside (its materializer shut down) tells nothing: the listener's streams run on its own
/// materializer, which stops only with the listener.
/// </remarks>
internal sealed class HandOffSink<T>(IActorRef target, object ack, object completed, Func<Exception, object> failed, int window = 16)
    : GraphStage<SinkShape<T>>
{
    private readonly Inlet<T> _in = new("hand-off.in");
    private readonly IActorRef _target = target;
    private readonly object _ack = ack;
    private readonly object _completed = completed;
    private readonly Func<Exception, object> _failed = failed;
    private readonly int _window = window > 0 ? window : throw new ArgumentOutOfRangeException(nameof(window));

    public override SinkShape<T> Shape => new(_in);

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("hand-off");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InGraphStageLogic
    {
        private readonly HandOffSink<T> _stage;
        private StageActor? _self;
        private int _unacknowledged;

        public Logic(HandOffSink<T> stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._in, this);
        }

        public override void PreStart()
        {
            _self = GetStageActor(OnMessage);
            _self.Watch(_stage._target);
            Pull(_stage._in);
        }

        public override void OnPush()
        {
            _stage._target.Tell(Grab(_stage._in), _self!.Ref);
            if (++_unacknowledged < _stage._window) Pull(_stage._in);
        }

        public override void OnUpstreamFinish()
        {
            TellEnd(_stage._completed);
            CompleteStage();
        }

        public override void OnUpstreamFailure(Exception e)
        {
            TellEnd(_stage._failed(e));
            FailStage(e);
        }

        private void TellEnd(object message) => _stage._target.Tell(message, _self!.Ref);

        private void OnMessage((IActorRef Sender, object Message) envelope)
        {
            if (envelope.Message is Terminated terminated && terminated.ActorRef.Equals(_stage._target))
            {
                CompleteStage();
                return;
            }
            if (!envelope.Message.Equals(_stage._ack)) return;
            _unacknowledged--;
            if (!HasBeenPulled(_stage._in) && !IsClosed(_stage._in)) Pull(_stage._in);
        }
    }
}
