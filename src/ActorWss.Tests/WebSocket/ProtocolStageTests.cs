using System.Text;
using ActorWss.Configuration;
using ActorWss.WebSocket;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorWss.Tests.WebSocket;

/// <summary>The protocol layer alone, between stream probes: what it pulls, pushes and buffers.</summary>
public sealed class ProtocolStageTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = INFO", output)
{
    private sealed record Probes(
        TestPublisher.Probe<FrameEvent> NetIn,
        TestSubscriber.Probe<Message> AppOut,
        TestPublisher.Probe<Message> AppIn,
        TestSubscriber.Probe<OutboundFrame> NetOut,
        WebSocketControl Control);

    private Probes Run(WebSocketSettings? settings = null)
    {
        var graph = RunnableGraph.FromGraph(GraphDsl.Create(
            this.SourceProbe<FrameEvent>(), this.SinkProbe<Message>(), this.SourceProbe<Message>(), this.SinkProbe<OutboundFrame>(),
            WebSocketProtocol.Create(settings ?? WebSocketSettings.Default),
            (netIn, appOut, appIn, netOut, control) => new Probes(netIn, appOut, appIn, netOut, control),
            (builder, netIn, appOut, appIn, netOut, protocol) =>
            {
                builder.From(netIn).To(protocol.Inlet1);
                builder.From(protocol.Outlet1).To(appOut);
                builder.From(appIn).To(protocol.Inlet2);
                builder.From(protocol.Outlet2).To(netOut);
                return ClosedShape.Instance;
            }));
        // Input buffers of one element, so that what the stage pulls is what the probes see requested.
        return graph.WithAttributes(Attributes.CreateInputBuffer(1, 1)).Run(Sys.Materializer());
    }

    private static FrameStart Start(Opcode opcode, string payload, bool fin = true, bool lastPart = true, long? length = null) =>
        new(new FrameHeader(opcode, fin, 0, true, 0, length ?? Encoding.UTF8.GetByteCount(payload)),
            ByteString.FromString(payload), lastPart);

    private static FrameData Data(string payload, bool lastPart = true) => new(ByteString.FromString(payload), lastPart);

    [Fact]
    public void A_whole_text_frame_becomes_a_text_message()
    {
        var p = Run();
        p.AppOut.Request(1);
        p.NetIn.ExpectRequest();

        p.NetIn.SendNext(Start(Opcode.Text, "hello"));

        var message = p.AppOut.ExpectNext();
        Assert.True(message.IsText);
        Assert.Equal("hello", message.GetText());
    }

    [Fact]
    public void Without_demand_from_the_handler_no_more_input_is_pulled_after_a_complete_message()
    {
        var p = Run();
        p.NetIn.ExpectRequest();
        p.NetIn.SendNext(Start(Opcode.Binary, "one"));     // taken by the stage; waits for the handler
        p.NetIn.ExpectRequest();                             // the one-element input buffer refills
        p.NetIn.SendNext(Start(Opcode.Binary, "two"));     // sits in that buffer: the stage does not pull it

        p.NetIn.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // so nothing more is asked of the network

        p.AppOut.Request(2);
        Assert.Equal("one", p.AppOut.ExpectNext().GetText());
        Assert.Equal("two", p.AppOut.ExpectNext().GetText());
        p.NetIn.ExpectRequest();
    }

    [Fact]
    public void Payload_parts_and_fragments_are_assembled_into_one_message_while_a_ping_is_answered()
    {
        var p = Run();
        p.AppOut.Request(1);
        p.NetOut.Request(1);

        p.NetIn.SendNext(Start(Opcode.Text, "ab", fin: false, lastPart: false, length: 3));
        p.NetIn.SendNext(Data("c"));
        p.NetIn.SendNext(Start(Opcode.Ping, "ping!"));
        p.NetIn.SendNext(Start(Opcode.Continuation, "def"));

        var pong = p.NetOut.ExpectNext();
        Assert.Equal((Opcode.Pong, "ping!"), (pong.Opcode, pong.Payload.ToString()));
        Assert.Equal("abcdef", p.AppOut.ExpectNext().GetText());
    }

    [Fact]
    public void Without_demand_from_the_network_the_handler_is_not_pulled()
    {
        var p = Run();
        p.AppIn.ExpectRequest();                             // the one-element input buffer
        p.AppIn.SendNext(Message.Text("out"));               // sits in that buffer: nobody asked for a frame
        p.AppIn.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        p.NetOut.Request(1);

        var frame = p.NetOut.ExpectNext();
        Assert.Equal((Opcode.Text, "out", true), (frame.Opcode, frame.Payload.ToString(), frame.Fin));
        p.AppIn.ExpectRequest();
    }

    [Fact]
    public void Only_the_latest_ping_is_answered_while_the_network_is_not_reading()
    {
        var p = Run();
        p.NetIn.SendNext(Start(Opcode.Ping, "1"));
        p.NetIn.SendNext(Start(Opcode.Ping, "2"));
        p.NetIn.SendNext(Start(Opcode.Ping, "3"));

        p.NetOut.Request(2);

        Assert.Equal("3", p.NetOut.ExpectNext().Payload.ToString());
        p.NetOut.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_close_request_sends_close_completes_the_handler_and_finishes_when_the_peer_answers()
    {
        var p = Run();
        p.NetOut.Request(2);
        p.AppOut.Request(1);

        p.Control.Close(CloseStatus.GoingAway, "bye");

        var close = p.NetOut.ExpectNext();
        Assert.Equal(Opcode.Close, close.Opcode);
        Assert.Equal(new byte[] { 0x03, 0xE9, (byte)'b', (byte)'y', (byte)'e' }, close.Payload.ToArray());
        p.AppOut.ExpectComplete();

        p.NetIn.SendNext(new FrameStart(new FrameHeader(Opcode.Close, true, 0, true, 0, 2), ByteString.FromBytes([0x03, 0xE9]), true));
        p.NetOut.ExpectComplete();
        var info = await p.Control.Closed;
        Assert.Equal((ushort?)1001, info.SentCode);
        Assert.Equal((ushort?)1001, info.ReceivedCode);
        Assert.True(info.Clean);
    }

    [Fact]
    public void A_handler_that_completes_closes_the_connection_with_1000()
    {
        var p = Run();
        p.NetOut.Request(1);
        p.AppIn.SendComplete();

        var close = p.NetOut.ExpectNext();
        Assert.Equal(Opcode.Close, close.Opcode);
        Assert.Equal(new byte[] { 0x03, 0xE8 }, close.Payload.ToArray());
    }

    [Fact]
    public void A_handler_that_fails_closes_the_connection_with_1011()
    {
        var p = Run();
        p.NetOut.Request(1);
        p.AppIn.SendError(new InvalidOperationException("handler bug"));

        var close = p.NetOut.ExpectNext();
        Assert.Equal(CloseStatus.InternalError, (ushort)(close.Payload[0] << 8 | close.Payload[1]));
        p.NetOut.ExpectComplete();
    }

    [Fact]
    public void A_protocol_violation_sends_its_close_code_and_completes_the_network_output()
    {
        var p = Run();
        p.NetOut.Request(2);
        p.AppOut.Request(1);

        p.NetIn.SendNext(new FrameStart(new FrameHeader(Opcode.Text, true, Rsv: 4, true, 0, 1), ByteString.FromString("x"), true));

        var close = p.NetOut.ExpectNext();
        Assert.Equal(CloseStatus.ProtocolError, (ushort)(close.Payload[0] << 8 | close.Payload[1]));
        p.NetOut.ExpectComplete();
        p.AppOut.ExpectComplete();
    }

    [Fact]
    public void The_handlers_last_message_is_sent_before_the_close_even_when_a_pong_took_the_networks_demand()
    {
        var p = Run();
        p.NetOut.Request(1);
        p.AppIn.ExpectRequest();                                 // the stage asked the handler for a message
        p.NetIn.SendNext(Start(Opcode.Ping, "ping"));            // the pong takes the one frame the network asked for
        Assert.Equal(Opcode.Pong, p.NetOut.ExpectNext().Opcode);

        p.AppIn.SendNext(Message.Text("last words"));            // waits for the network
        p.AppIn.SendComplete();                                  // the handler is done: the closing handshake begins
        p.NetOut.Request(2);

        var frame = p.NetOut.ExpectNext();
        Assert.Equal((Opcode.Text, "last words"), (frame.Opcode, frame.Payload.ToString()));
        Assert.Equal(Opcode.Close, p.NetOut.ExpectNext().Opcode);
    }

    [Fact]
    public void A_close_request_lets_a_message_already_taken_from_the_handler_go_out_first()
    {
        var p = Run();
        p.NetOut.Request(1);
        p.AppIn.ExpectRequest();
        p.NetIn.SendNext(Start(Opcode.Ping, "ping"));
        Assert.Equal(Opcode.Pong, p.NetOut.ExpectNext().Opcode);
        p.AppIn.SendNext(Message.Text("in flight"));

        p.Control.Close(CloseStatus.GoingAway, "shutdown");
        p.NetOut.Request(2);

        Assert.Equal("in flight", p.NetOut.ExpectNext().Payload.ToString());
        Assert.Equal(Opcode.Close, p.NetOut.ExpectNext().Opcode);
    }

    private static FrameStart CloseFrame(ushort code) =>
        new(new FrameHeader(Opcode.Close, true, 0, true, 0, 2), ByteString.FromBytes([(byte)(code >> 8), (byte)code]), true);

    [Fact]
    public void The_peers_normal_close_is_answered_after_the_handler_has_finished_sending()
    {
        var p = Run();
        p.AppOut.Request(1);
        p.NetIn.SendNext(Start(Opcode.Text, "question"));
        Assert.Equal("question", p.AppOut.ExpectNext().GetText());

        p.NetIn.SendNext(CloseFrame(CloseStatus.Normal));
        p.AppOut.ExpectComplete();                                // the handler gets no more messages
        p.NetOut.Request(3);
        p.NetOut.ExpectNoMsg(TimeSpan.FromMilliseconds(200));     // no Close while the handler may still answer
        p.AppIn.SendNext(Message.Text("answer"));
        p.AppIn.SendComplete();

        Assert.Equal("answer", p.NetOut.ExpectNext().Payload.ToString());
        Assert.Equal(new byte[] { 0x03, 0xE8 }, p.NetOut.ExpectNext().Payload.ToArray());
        p.NetOut.ExpectComplete();
    }

    [Fact]
    public void The_peers_close_with_an_error_code_is_answered_at_once()
    {
        var p = Run();
        p.NetOut.Request(1);

        p.NetIn.SendNext(CloseFrame(CloseStatus.ProtocolError));

        Assert.Equal(new byte[] { 0x03, 0xEA }, p.NetOut.ExpectNext().Payload.ToArray());
        p.AppIn.ExpectCancellation();
    }

    [Fact]
    public void A_handler_that_never_finishes_delays_the_answer_to_the_peers_close_by_the_close_timeout_at_most()
    {
        var p = Run(WebSocketSettings.Default with { CloseTimeout = TimeSpan.FromMilliseconds(300) });
        p.NetOut.Request(1);

        p.NetIn.SendNext(CloseFrame(CloseStatus.GoingAway));

        var close = p.NetOut.ExpectNext(TimeSpan.FromSeconds(5));
        Assert.Equal(new byte[] { 0x03, 0xE9 }, close.Payload.ToArray());
        p.AppIn.ExpectCancellation();
    }

    [Fact]
    public async Task The_connection_ending_without_a_close_frame_is_recorded_as_1006()
    {
        var p = Run();
        p.NetIn.SendComplete();

        p.AppOut.ExpectSubscriptionAndComplete();
        Assert.Equal((ushort?)CloseStatus.Abnormal, (await p.Control.Closed).ReceivedCode);
    }
}
