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
    public static BidiFlow<ByteString, FrameEvent, OutboundFrame, ByteString, NotUsed> Create() => BidiFlow.FromGraph(new FramingStage());

    /// <summary>
    /// Both directions in one stage (one stage fewer per connection and per message than a parser and a renderer
    /// apart). The directions end independently, as two stages would: each side completes, fails or cancels only its
    /// own ports, and the stage stops when all four are closed.
    /// </summary>
    private sealed class FramingStage : GraphStage<BidiShape<ByteString, FrameEvent, OutboundFrame, ByteString>>
    {
        private readonly Inlet<ByteString> _netIn = new("ws-framing.net-in");
        private readonly Outlet<FrameEvent> _events = new("ws-framing.events");
        private readonly Inlet<OutboundFrame> _frames = new("ws-framing.frames");
        private readonly Outlet<ByteString> _netOut = new("ws-framing.net-out");

        public override BidiShape<ByteString, FrameEvent, OutboundFrame, ByteString> Shape => new(_netIn, _events, _frames, _netOut);

        protected override Attributes InitialAttributes { get; } = Attributes.CreateName("ws-framing");

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : GraphStageLogic
        {
            private readonly FramingStage _stage;
            private readonly FrameParser _parser = new();
            private bool _errorSent;

            public Logic(FramingStage stage) : base(stage.Shape)
            {
                _stage = stage;
                // Parsing on demand: one event per pull, input pulled only when the buffered bytes hold no event.
                SetHandler(stage._netIn, onPush: () =>
                {
                    _parser.Feed(Grab(stage._netIn));
                    PushNext();
                }, onUpstreamFinish: () =>
                {
                    if (IsAvailable(stage._events)) PushNext();
                }, onUpstreamFailure: e => Fail(stage._events, e));
                SetHandler(stage._events, onPull: PushNext, onDownstreamFinish: _ => Cancel(stage._netIn));

                // Rendering (§5.2): one frame in, its bytes out.
                SetHandler(stage._frames, onPush: () => Push(stage._netOut, FrameRenderer.Render(Grab(stage._frames))),
                    onUpstreamFinish: () => Complete(stage._netOut), onUpstreamFailure: e => Fail(stage._netOut, e));
                SetHandler(stage._netOut, onPull: () => Pull(stage._frames), onDownstreamFinish: _ => Cancel(stage._frames));
            }

            private void PushNext()
            {
                if (_parser.Error is not null)
                {
                    // Nothing can be delimited any more: report once, then drain the input so the peer's close is seen.
                    if (!_errorSent && IsAvailable(_stage._events))
                    {
                        _errorSent = true;
                        Push(_stage._events, new FrameError(_parser.Error));
                    }
                    if (IsClosed(_stage._netIn)) Complete(_stage._events);
                    else if (!HasBeenPulled(_stage._netIn)) Pull(_stage._netIn);
                }
                else if (_parser.TryRead(out var frameEvent))
                {
                    Push(_stage._events, frameEvent!);
                }
                else if (_parser.Error is not null)
                {
                    PushNext();
                }
                else if (IsClosed(_stage._netIn))
                {
                    Complete(_stage._events);
                }
                else if (!HasBeenPulled(_stage._netIn))
                {
                    Pull(_stage._netIn);
                }
            }
        }
    }
}
