using Akka;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace ActorWss.WebSocket;

/// <summary>
/// The framing layer: bytes to <see cref="FrameEvent"/>s (§5.2 parsing, §5.3 unmasking) and
/// <see cref="OutboundFrame"/>s to bytes.
/// <code>
///   net in  ~> [FrameParser]   ~> frame events
///   net out &lt;~ [FrameRenderer] &lt;~ outbound frames
/// </code>
/// </summary>
internal static class WebSocketFraming
{
    public static BidiFlow<ByteString, FrameEvent, OutboundFrame, ByteString, NotUsed> Create() =>
        BidiFlow.FromFlows(
            Flow.FromGraph(new FrameParserStage()),
            Flow.Create<OutboundFrame>().Select(frame => FrameRenderer.Render(frame)).Named("ws-render"));

    /// <summary>Parses on demand: one event per pull, input pulled only when the buffered bytes hold no event.</summary>
    private sealed class FrameParserStage : GraphStage<FlowShape<ByteString, FrameEvent>>
    {
        private readonly Inlet<ByteString> _in = new("ws-parse.in");
        private readonly Outlet<FrameEvent> _out = new("ws-parse.out");

        public override FlowShape<ByteString, FrameEvent> Shape => new(_in, _out);

        protected override Attributes InitialAttributes { get; } = Attributes.CreateName("ws-parse");

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private readonly FrameParserStage _stage;
            private readonly FrameParser _parser = new();
            private bool _errorSent;

            public Logic(FrameParserStage stage) : base(stage.Shape)
            {
                _stage = stage;
                SetHandler(stage._in, onPush: () =>
                {
                    _parser.Feed(Grab(stage._in));
                    PushNext();
                }, onUpstreamFinish: () =>
                {
                    if (IsAvailable(stage._out)) PushNext();
                });
                SetHandler(stage._out, onPull: PushNext);
            }

            private void PushNext()
            {
                if (_parser.Error is not null)
                {
                    // Nothing can be delimited any more: report once, then drain the input so the peer's close is seen.
                    if (!_errorSent && IsAvailable(_stage._out))
                    {
                        _errorSent = true;
                        Push(_stage._out, new FrameError(_parser.Error));
                    }
                    if (IsClosed(_stage._in)) CompleteStage();
                    else if (!HasBeenPulled(_stage._in)) Pull(_stage._in);
                }
                else if (_parser.TryRead(out var frameEvent))
                {
                    Push(_stage._out, frameEvent!);
                }
                else if (_parser.Error is not null)
                {
                    PushNext();
                }
                else if (IsClosed(_stage._in))
                {
                    CompleteStage();
                }
                else if (!HasBeenPulled(_stage._in))
                {
                    Pull(_stage._in);
                }
            }
        }
    }
}
