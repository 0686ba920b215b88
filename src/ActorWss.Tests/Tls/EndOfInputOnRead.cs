using Akka.Streams;
using Akka.Streams.Stage;

namespace ActorWss.Tests.Tls;

/// <summary>
/// Passes elements on, but signals the end of its input only when pulled, as a socket does: a reader sees the FIN
/// only when it reads. Without it, an async boundary delivers completion together with the last element, and a stage
/// that stops reading would still see the end.
/// </summary>
internal sealed class EndOfInputOnRead<T> : GraphStage<FlowShape<T, T>>
{
    private readonly Inlet<T> _in = new("end-on-read.in");
    private readonly Outlet<T> _out = new("end-on-read.out");

    public override FlowShape<T, T> Shape => new(_in, _out);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : InAndOutGraphStageLogic
    {
        private readonly EndOfInputOnRead<T> _stage;
        private bool _ended;

        public Logic(EndOfInputOnRead<T> stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._in, this);
            SetHandler(stage._out, this);
        }

        public override void OnPush() => Push(_stage._out, Grab(_stage._in));

        public override void OnUpstreamFinish()
        {
            _ended = true;
            if (IsAvailable(_stage._out)) Complete(_stage._out);
        }

        public override void OnPull()
        {
            if (_ended) Complete(_stage._out);
            else Pull(_stage._in);
        }
    }
}
