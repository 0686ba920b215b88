using ActorWss.Bench.Cli;
using Xunit;

namespace ActorWss.Tests.Bench;

/// <summary>
/// Hop-floor's streams run on the process's event loops, which every actor system in the process shares, and its
/// round trips keep both CPUs busy while they run: its tests run alone, after the parallel ones, so that they neither slow
/// the connections of other tests nor measure them.
/// </summary>
[CollectionDefinition(nameof(HopFloorTests), DisableParallelization = true)]
public sealed class HopFloorCollection;

/// <summary>The bench's hop-floor: real streams on the server's event loops, real steps on its offload dispatcher.</summary>
[Collection(nameof(HopFloorTests))]
public sealed class HopFloorTests
{
    [Fact]
    public void Every_stream_completes_round_trips_through_the_offload_dispatcher_and_stops_when_told() // RoundTrips throws if they do not stop
    {
        using var bench = new HopFloorCommand.HopBench();

        var row = bench.RoundTrips(streams: 3, TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(100));

        Assert.Equal(3, row.Streams);
        Assert.True(row.RoundTrips > 3, $"{row.RoundTrips} round trips");
        Assert.True(row.CpuUsPerRoundTrip > 0 && double.IsFinite(row.CpuUsPerRoundTrip), $"{row.CpuUsPerRoundTrip} us per round trip");
    }

    [Fact]
    public void An_async_callback_into_a_running_stream_allocates()
    {
        using var bench = new HopFloorCommand.HopBench();

        double bytes = bench.AsyncCallbackAllocation(20_000);

        // What BENCHMARKS.md's zero-allocation floor rests on: Akka.Streams allocates on every async entry (the
        // AsyncInput envelope it tells the interpreter's actor). Should a release stop doing so, this says the floor moved.
        Assert.True(bytes > 0, $"{bytes} B per invocation");
    }
}
