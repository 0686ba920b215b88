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

        /// <summary>The parsing direction's ports are handled by the logic itself, the rendering direction's by one
        /// small object: no delegates per connection (see <c>ConnectionPipeline</c> on what an idle connection keeps).</summary>
        private sealed class Logic : GraphStageLogic, IInHandler, IOutHandler
        {
            // The shape's constructor would build a log-source string per connection from the port names.
            private static readonly object StageLogSource = Akka.Event.LogSource.Create("ws-framing", typeof(FramingStage));

            private readonly FramingStage _stage;
            private readonly FrameParser _parser = new();
            private bool _errorSent;

            public Logic(FramingStage stage) : base(inCount: 2, outCount: 2)
            {
                _stage = stage;
                SetHandler(stage._netIn, (IInHandler)this);
                SetHandler(stage._events, (IOutHandler)this);
                var rendering = new Rendering(this);
                SetHandler(stage._frames, rendering);
                SetHandler(stage._netOut, rendering);
            }

            // Parsing on demand: one event per pull, input pulled only when the buffered bytes hold no event.
            void IInHandler.OnPush()
            {
                _parser.Feed(Grab(_stage._netIn));
                PushNext();
            }

            void IInHandler.OnUpstreamFinish()
            {
                if (IsAvailable(_stage._events)) PushNext();
            }

            void IInHandler.OnUpstreamFailure(Exception e) => Fail(_stage._events, e);

            void IOutHandler.OnPull() => PushNext();

            void IOutHandler.OnDownstreamFinish(Exception cause) => Cancel(_stage._netIn);

            /// <summary>Rendering (§5.2): one frame in, its bytes out.</summary>
            private sealed class Rendering(Logic logic) : InAndOutHandler
            {
                public override void OnPush() =>
                    logic.Push(logic._stage._netOut, FrameRenderer.Render(logic.Grab(logic._stage._frames)));

                public override void OnUpstreamFinish() => logic.Complete(logic._stage._netOut);

                public override void OnUpstreamFailure(Exception e) => logic.Fail(logic._stage._netOut, e);

                public override void OnPull() => logic.Pull(logic._stage._frames);

                public override void OnDownstreamFinish(Exception cause) => logic.Cancel(logic._stage._frames);
            }

            protected override object LogSource => StageLogSource;

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
