using Akka;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace ActorWss.Transport;

/// <summary>
/// Fails a connection whose peer has stopped taking what it is sent: the socket asks for the next chunk only once
/// the previous one is sent, so a chunk still unsent after the timeout means no progress for that long. Writes are
/// cut into chunks of at most <see cref="ChunkBytes"/>, so progress is measured per 64 KiB, not per message: a peer
/// that reads slowly keeps its connection (it must take 64 KiB per timeout), one that stopped reading does not, and
/// the message, buffers and socket it holds are released (like Kestrel's MinResponseDataRate and gorilla's write
/// deadline). Sits on the send side, right above the socket.
/// </summary>
internal static class SendTimeout
{
    public const int ChunkBytes = 64 * 1024;

    /// <summary>A flow of the bytes to send; with no timeout, the identity.</summary>
    public static Flow<ByteString, ByteString, NotUsed> Create(TimeSpan? timeout) =>
        timeout is { } t ? Flow.FromGraph(new SendTimeoutStage(t)) : Flow.Create<ByteString>();
}

/// <summary>The peer took no bytes for <see cref="Timeout"/>.</summary>
internal sealed class SendTimeoutException(TimeSpan timeout)
    : TimeoutException($"send timeout: the peer took nothing for {timeout.TotalSeconds:0.###} s")
{
    public TimeSpan Timeout { get; } = timeout;
}

internal sealed class SendTimeoutStage(TimeSpan timeout) : GraphStage<FlowShape<ByteString, ByteString>>
{
    private readonly Inlet<ByteString> _in = new("send-timeout.in");
    private readonly Outlet<ByteString> _out = new("send-timeout.out");

    public override FlowShape<ByteString, ByteString> Shape => new(_in, _out);

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("send-timeout");

    private TimeSpan Timeout { get; } = timeout;

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic
    {
        private const string Timer = "send-timeout";
        private readonly SendTimeoutStage _stage;
        private ByteString _rest = ByteString.Empty;   // what is left of the write being cut into chunks
        private long? _inFlightSince;                  // a chunk is with the socket, unsent, since then
        private bool _finishing;

        public Logic(SendTimeoutStage stage) : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._in, onPush: () =>
            {
                _rest = Grab(stage._in);
                if (IsAvailable(stage._out)) PushChunk();
            }, onUpstreamFinish: () =>
            {
                // Keep the timer running until the last chunk is sent: the socket would wait for it forever.
                _finishing = true;
                if (_rest.IsEmpty && _inFlightSince is null) CompleteStage();
            });
            SetHandler(stage._out, onPull: () =>
            {
                _inFlightSince = null; // the socket sent the previous chunk
                if (!_rest.IsEmpty) PushChunk();
                else if (_finishing) CompleteStage();
                else if (!HasBeenPulled(stage._in)) Pull(stage._in);
            });
        }

        private void PushChunk()
        {
            ByteString chunk;
            if (_rest.Count <= SendTimeout.ChunkBytes)
            {
                chunk = _rest;
                _rest = ByteString.Empty;
            }
            else
            {
                chunk = _rest.Slice(0, SendTimeout.ChunkBytes);
                _rest = _rest.Slice(SendTimeout.ChunkBytes);
            }
            _inFlightSince = Environment.TickCount64;
            Push(_stage._out, chunk);
            // One timer per timeout period at most, not one per chunk: it re-arms itself for what is left.
            if (!IsTimerActive(Timer)) ScheduleOnce(Timer, _stage.Timeout);
        }

        protected override void OnTimer(object timerKey)
        {
            if (_inFlightSince is not { } since) return;
            var waited = TimeSpan.FromMilliseconds(Environment.TickCount64 - since);
            if (waited >= _stage.Timeout) FailStage(new SendTimeoutException(_stage.Timeout));
            else ScheduleOnce(Timer, _stage.Timeout - waited);
        }
    }
}
