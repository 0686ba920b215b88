using System.Collections.Concurrent;
using ActorWss.Configuration;
using ActorWss.Http;
using ActorWss.Tests.Support;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Http;

/// <summary>The HTTP layer alone, between stream probes: what it answers and what it reports to its observer.</summary>
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
        TestSubscriber.Probe<ByteString> WsOut,
        TestPublisher.Probe<ByteString> WsIn,
        TestSubscriber.Probe<ByteString> NetOut,
        Task<HandshakeOutcome> Outcome);

    private Probes Run(IHandshakeObserver observer)
    {
        var router = new RequestRouter(HandshakePolicy.Default, TestRoutes.Echo(), []);
        var graph = RunnableGraph.FromGraph(GraphDsl.Create(
            this.SourceProbe<ByteString>(), this.SinkProbe<ByteString>(), this.SourceProbe<ByteString>(), this.SinkProbe<ByteString>(),
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
}
