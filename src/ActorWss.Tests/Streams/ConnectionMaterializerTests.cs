using ActorWss.Server;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorWss.Tests.Streams;

/// <summary>A connection's stream runs as a child of its actor: it ends when the actor stops, with no actor between.</summary>
public sealed class ConnectionMaterializerTests(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit("akka.loglevel = INFO", output)
{
    private sealed record Started(Task StreamDone, IActorRef[] Children);

    private sealed class StreamOwner(IActorRef report) : UntypedActor
    {
        protected override void PreStart()
        {
            var materializer = ConnectionMaterializer.For(Context, ActorMaterializerSettings.Create(Context.System));
            var done = Source.Never<int>().WatchTermination(Keep.Right).ToMaterialized(Sink.Ignore<int>(), Keep.Left).Run(materializer);
            report.Tell(new Started(done, [.. Context.GetChildren()]));
        }

        protected override void OnReceive(object message)
        {
        }
    }

    [Fact]
    public async Task The_stream_is_the_actors_child_and_ends_when_the_actor_stops()
    {
        var owner = Sys.ActorOf(Props.Create(() => new StreamOwner(TestActor)), "owner");
        var started = ExpectMsg<Started>();

        var interpreter = Assert.Single(started.Children);
        Assert.Equal(owner.Path, interpreter.Path.Parent);
        Assert.StartsWith("connection-", interpreter.Path.Name); // the graph's interpreter, not a StreamSupervisor-<n>
        Assert.False(started.StreamDone.IsCompleted);

        Watch(interpreter);
        Sys.Stop(owner);

        ExpectTerminated(interpreter);
        await Task.WhenAny(started.StreamDone, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(started.StreamDone.IsFaulted, "the stream ends, torn down, when its actor stops"); // a never-ending source
    }
}
