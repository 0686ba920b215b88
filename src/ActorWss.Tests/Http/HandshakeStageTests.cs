using System.Collections.Concurrent;
using ActorWss.Configuration;
using ActorWss.Http;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Http;

/// <summary>
/// The HTTP layer alone, between stream probes: what it answers and what it reports to its observer, and the framing
/// it does after its 101 (§5.2): frames up on demand, frames down rendered, the end of input after the frames.
/// </summary>
public sealed class HandshakeStageTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = INFO", output)
{
    private static readonly Uri Url = new("ws://localhost:9090/");

    private sealed class RecordingObserver : IHandshakeObserver
    {
        public ConcurrentQueue<HandshakeOutcome> Seen { get; } = new();

        public void OnHandshake(HandshakeOutcome outcome) => Seen.Enqueue(outcome);

        public void OnAuthenticationRejected(string route, string reason) { }
    }

    private sealed record Probes(
        TestPublisher.Probe<ByteString> NetIn,
        TestSubscriber.Probe<FrameEvent> WsOut,
        TestPublisher.Probe<OutboundFrame> WsIn,
        TestSubscriber.Probe<ByteString> NetOut,
        Task<HandshakeOutcome> Outcome);

    private Probes Run(IHandshakeObserver observer)
    {
        var router = new RequestRouter(HandshakePolicy.Default, TestRoutes.Echo(), []);
        var graph = RunnableGraph.FromGraph(GraphDsl.Create(
            this.SourceProbe<ByteString>(), this.SinkProbe<FrameEvent>(), this.SourceProbe<OutboundFrame>(), this.SinkProbe<ByteString>(),
            Handshake.Create(HttpSettings.Default, router, observer),
            (netIn, wsOut, wsIn, netOut, outcome) => new Probes(netIn, wsOut, wsIn, netOut, outcome),
            (builder, netIn, wsOut, wsIn, netOut, http) =>
            {
                builder.From(netIn).To(http.Inlet1);
                builder.From(http.Outlet1).To(wsOut);
                builder.From(wsIn).To(http.Inlet2);
                builder.From(http.Outlet2).To(netOut);
                return ClosedShape.Instance;
            }));
        return graph.Run(Sys.Materializer());
    }

    private static string StatusLine(ByteString bytes) => bytes.ToString().Split("\r\n")[0];

    [Fact]
    public async Task A_refusal_is_reported_to_the_observer_before_its_answer_is_written()
    {
        var observer = new RecordingObserver();
        var p = Run(observer);
        p.NetOut.Request(1);
        p.WsOut.Request(1);

        p.NetIn.SendNext(ByteString.FromString(RawWebSocketClient.UpgradeRequest(Url).Replace("Version: 13", "Version: 8")));

        Assert.StartsWith("HTTP/1.1 426", StatusLine(p.NetOut.ExpectNext()));
        var seen = Assert.Single(observer.Seen); // already there when the answer reaches the network side
        var answered = Assert.IsType<Answered>(seen);
        Assert.Equal((426, "version"), (answered.Status, answered.Reason));
        Assert.Same(seen, await p.Outcome);
    }

    [Fact]
    public void An_upgrade_is_reported_once_before_the_101_and_not_again_when_the_connection_ends()
    {
        var observer = new RecordingObserver();
        var p = Run(observer);
        p.NetOut.Request(1);
        p.WsOut.Request(1);

        p.NetIn.SendNext(ByteString.FromString(RawWebSocketClient.UpgradeRequest(Url)));

        Assert.StartsWith("HTTP/1.1 101", StatusLine(p.NetOut.ExpectNext()));
        Assert.IsType<Upgraded>(Assert.Single(observer.Seen));

        p.NetIn.SendComplete();
        p.WsOut.ExpectComplete();
        p.WsIn.SendComplete();
        p.NetOut.ExpectComplete();
        Assert.IsType<Upgraded>(Assert.Single(observer.Seen));
    }

    [Fact]
    public void A_peer_that_closes_without_a_request_is_reported_as_abandoned_once()
    {
        var observer = new RecordingObserver();
        var p = Run(observer);
        p.NetOut.Request(1);
        p.WsOut.Request(1);

        p.NetIn.SendNext(ByteString.FromString("GET / HT"));
        p.NetIn.SendComplete();

        p.NetOut.ExpectComplete();
        var abandoned = Assert.IsType<Abandoned>(Assert.Single(observer.Seen));
        Assert.Equal("closed in the middle of the request head", abandoned.Reason);
    }

    private static ByteString Bytes(params byte[][] parts) => ByteString.FromBytes(parts.SelectMany(part => part).ToArray());

    private static byte[] Request() => System.Text.Encoding.ASCII.GetBytes(RawWebSocketClient.UpgradeRequest(Url));

    private static byte[] Text(string text, bool fin = true) => ClientFrames.Build(Opcode.Text, System.Text.Encoding.UTF8.GetBytes(text), fin);

    private static string TextOf(FrameEvent frameEvent) => frameEvent.Data.ToString(System.Text.Encoding.UTF8);

    [Fact]
    public void Frames_sent_with_the_request_head_come_up_after_the_101_one_per_pull()
    {
        var p = Run(new RecordingObserver());
        p.NetOut.Request(1);

        p.NetIn.SendNext(Bytes(Request(), Text("first"), Text("second")));

        Assert.StartsWith("HTTP/1.1 101", StatusLine(p.NetOut.ExpectNext()));
        p.WsOut.Request(1);
        var first = Assert.IsType<FrameStart>(p.WsOut.ExpectNext());
        Assert.Equal((Opcode.Text, true, "first"), (first.Header.Opcode, first.Header.Fin, TextOf(first)));
        p.WsOut.ExpectNoMsg(TimeSpan.FromMilliseconds(100)); // on demand: the second waits for the next pull
        p.WsOut.Request(1);
        Assert.Equal("second", TextOf(p.WsOut.ExpectNext()));
    }

    [Fact]
    public void A_frame_split_over_reads_comes_up_as_its_start_and_then_its_data()
    {
        var p = Run(new RecordingObserver());
        p.NetOut.Request(1);
        p.WsOut.Request(3);
        var frame = Text("split in two");

        p.NetIn.SendNext(ByteString.FromBytes(Request()));
        Assert.StartsWith("HTTP/1.1 101", StatusLine(p.NetOut.ExpectNext()));
        p.NetIn.SendNext(ByteString.FromBytes(frame[..9]));
        var start = Assert.IsType<FrameStart>(p.WsOut.ExpectNext());
        Assert.Equal(("spl", false), (TextOf(start), start.LastPart));
        p.NetIn.SendNext(ByteString.FromBytes(frame[9..]));
        var rest = Assert.IsType<FrameData>(p.WsOut.ExpectNext());
        Assert.Equal(("it in two", true), (TextOf(rest), rest.LastPart));
    }

    [Fact]
    public void Outbound_frames_are_rendered_unmasked_after_the_101()
    {
        var p = Run(new RecordingObserver());
        p.NetOut.Request(1);
        p.WsOut.Request(1);

        p.NetIn.SendNext(ByteString.FromBytes(Request()));
        Assert.StartsWith("HTTP/1.1 101", StatusLine(p.NetOut.ExpectNext()));
        p.NetOut.Request(1);
        p.WsIn.SendNext(new OutboundFrame(Opcode.Text, ByteString.FromString("Hello")));

        // §5.7: a single-frame unmasked text message containing "Hello".
        Assert.Equal(new byte[] { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f }, p.NetOut.ExpectNext().ToArray());
    }

    [Fact]
    public void When_the_network_ends_the_frames_still_buffered_come_up_before_the_end()
    {
        var p = Run(new RecordingObserver());
        p.NetOut.Request(1);

        p.NetIn.SendNext(Bytes(Request(), Text("a"), Text("b")));
        p.NetIn.SendComplete();

        Assert.StartsWith("HTTP/1.1 101", StatusLine(p.NetOut.ExpectNext()));
        p.WsOut.Request(1);
        Assert.Equal("a", TextOf(p.WsOut.ExpectNext()));
        p.WsOut.Request(1);
        Assert.Equal("b", TextOf(p.WsOut.ExpectNext()));
        p.WsOut.Request(1);
        p.WsOut.ExpectComplete();
    }

    [Fact]
    public void Input_that_cannot_be_delimited_is_reported_once_and_then_drained_until_the_peer_closes()
    {
        var p = Run(new RecordingObserver());
        p.NetOut.Request(1);
        p.WsOut.Request(2);
        // §5.2: the most significant bit of a 64-bit length must be 0.
        var broken = ClientFrames.Build(Opcode.Binary, [], declaredLength: 1UL << 63);

        p.NetIn.SendNext(Bytes(Request(), broken));

        Assert.StartsWith("HTTP/1.1 101", StatusLine(p.NetOut.ExpectNext()));
        Assert.IsType<FrameError>(p.WsOut.ExpectNext());
        p.NetIn.SendNext(ByteString.FromBytes(Text("ignored"))); // drained: nothing more comes up
        p.WsOut.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        p.NetIn.SendComplete();
        p.WsOut.ExpectComplete();
    }
}
