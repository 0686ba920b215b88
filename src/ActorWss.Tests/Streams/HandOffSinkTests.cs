using ActorWss.Server;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Xunit.Abstractions;

namespace ActorWss.Tests.Streams;

/// <summary>
/// The accept stream's sink: every element it took reaches the actor before the stream's end, acknowledged or not,
/// because a lost element there is an accepted socket nobody answers.
/// </summary>
public sealed class HandOffSinkTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = INFO", output)
{
    private sealed class Ack { public static readonly Ack Instance = new(); }
    private sealed class Done { public static readonly Done Instance = new(); }

    private HandOffSink<int> SinkTo(Akka.TestKit.TestProbe probe, int window) =>
        new(probe.Ref, Ack.Instance, Done.Instance, failure => new Status.Failure(failure), window);

    [Fact]
    public void Elements_pulled_before_a_failure_reach_the_actor_unacknowledged_and_before_the_failure()
    {
        var actor = CreateTestProbe();
        Source.From([1, 2, 3]).Concat(Source.Failed<int>(new IOException("accept stream broke")))
            .RunWith(Sink.FromGraph(SinkTo(actor, window: 16)), Sys.Materializer());

        Assert.Equal(1, actor.ExpectMsg<int>());
        Assert.Equal(2, actor.ExpectMsg<int>());
        Assert.Equal(3, actor.ExpectMsg<int>());
        Assert.Equal("accept stream broke", actor.ExpectMsg<Status.Failure>().Cause.Message);
    }

    [Fact]
    public void No_more_than_the_window_is_handed_over_until_the_actor_acknowledges()
    {
        var actor = CreateTestProbe();
        var upstream = this.CreatePublisherProbe<int>();
        Source.FromPublisher(upstream).RunWith(Sink.FromGraph(SinkTo(actor, window: 2)), Sys.Materializer());

        upstream.SendNext(1);
        upstream.SendNext(2);
        upstream.SendNext(3);
        Assert.Equal(1, actor.ExpectMsg<int>());
        Assert.Equal(2, actor.ExpectMsg<int>());
        var sink = actor.LastSender;
        actor.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // two unacknowledged: the third waits upstream

        sink.Tell(Ack.Instance, actor.Ref);
        Assert.Equal(3, actor.ExpectMsg<int>());
        upstream.SendComplete();
        actor.ExpectMsg<Done>();
    }

    [Fact]
    public void The_stream_is_cancelled_when_the_actor_stops()
    {
        var actor = CreateTestProbe();
        var upstream = this.CreatePublisherProbe<int>();
        Source.FromPublisher(upstream).RunWith(Sink.FromGraph(SinkTo(actor, window: 16)), Sys.Materializer());
        upstream.ExpectRequest();

        Sys.Stop(actor.Ref);

        upstream.ExpectCancellation();
    }
}
