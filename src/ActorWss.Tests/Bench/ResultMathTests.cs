using ActorWss.Bench.Model;

namespace ActorWss.Tests.Bench;

public class ResultMathTests
{
    [Fact]
    public void Messages_per_second_are_echoes_over_seconds() =>
        Assert.Equal(500, ResultMath.MessagesPerSecond(1_000, 2));

    [Fact]
    public void Messages_per_second_are_zero_when_no_time_was_measured() =>
        Assert.Equal(0, ResultMath.MessagesPerSecond(1_000, 0));

    [Fact]
    public void Transfer_rate_counts_both_directions_in_mebibytes()
    {
        // 1 MiB each way per second.
        Assert.Equal(2, ResultMath.MiBPerSecond(1024, 1024), precision: 10);
        // The reference report's "20.26 MB/s" for 165,952 msg/s of 64 B is this same figure.
        Assert.Equal(20.26, ResultMath.MiBPerSecond(165_952, 64), precision: 2);
    }

    [Fact]
    public void Delta_is_negative_for_a_drop() =>
        Assert.Equal(-69.53, ResultMath.DeltaPercent(186_068, 56_692), precision: 2);

    [Fact]
    public void Delta_is_positive_for_a_rise() =>
        Assert.Equal(227.75, ResultMath.DeltaPercent(537, 1_760), precision: 2);

    [Fact]
    public void Delta_from_a_zero_baseline_is_zero() =>
        Assert.Equal(0, ResultMath.DeltaPercent(0, 100));

    [Fact]
    public void Per_cpu_second_divides_echoes_by_cpu_time() =>
        Assert.Equal(250, ResultMath.PerCpuSecond(1_000, 4.0));

    [Fact]
    public void Per_cpu_second_is_unknown_without_cpu_time()
    {
        Assert.Null(ResultMath.PerCpuSecond(1_000, null));
        Assert.Null(ResultMath.PerCpuSecond(1_000, 0));
    }
}
