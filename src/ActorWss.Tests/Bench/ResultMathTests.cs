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

}

public class MedianAndSpreadTests
{
    [Fact]
    public void The_median_of_an_odd_count_is_the_middle_value() =>
        Assert.Equal(52, ResultMath.Median([54, 50, 52]));

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two() =>
        Assert.Equal(51.5, ResultMath.Median([49, 54, 51, 52]));

    [Fact]
    public void A_spread_has_median_min_max_and_count_and_leaves_unknowns_out()
    {
        var spread = Spread.Of([54, null, 50, 52, double.NaN]);
        Assert.Equal(new Spread(52, 50, 54, 3), spread);
        Assert.Null(Spread.Of([null, null]));
    }

    [Fact]
    public void The_width_is_max_minus_min_over_the_median() =>
        Assert.Equal(10, new Spread(50, 48, 53, 3).WidthPercent, precision: 10);

    [Fact]
    public void Per_echo_divides_a_total_by_the_echoes_and_knows_nothing_without_either()
    {
        Assert.Equal(2.5, ResultMath.PerEcho(250, 100));
        Assert.Null(ResultMath.PerEcho(null, 100));
        Assert.Null(ResultMath.PerEcho(250, 0));
    }
}

public class VerdictTests
{
    private static readonly Spread Inline = new(52_000, 50_000, 54_000, 3);

    [Fact]
    public void A_difference_outside_both_ranges_and_the_noise_counts()
    {
        var difference = Verdict.Compare(Inline, new Spread(41_000, 40_000, 42_000, 3), noisePercent: 9.7);
        Assert.NotNull(difference);
        Assert.Equal(-21.15, difference.DeltaPercent, precision: 2);
        Assert.True(difference.Counts);
    }

    [Fact]
    public void Overlapping_ranges_never_count() =>
        Assert.False(Verdict.Compare(Inline, new Spread(45_000, 40_000, 50_000, 3), noisePercent: null)!.Counts);

    [Fact]
    public void A_difference_inside_the_aa_spread_does_not_count_even_with_the_ranges_apart() =>
        Assert.False(Verdict.Compare(Inline, new Spread(60_000, 59_000, 61_000, 3), noisePercent: 20)!.Counts);

    [Fact]
    public void Without_a_twin_the_ranges_alone_decide() =>
        Assert.True(Verdict.Compare(Inline, new Spread(60_000, 59_000, 61_000, 3), noisePercent: null)!.Counts);

    [Fact]
    public void One_repeat_has_no_spread_and_so_no_verdict() =>
        Assert.False(Verdict.Compare(new Spread(52_000, 52_000, 52_000, 1), new Spread(10_000, 10_000, 10_000, 1), null)!.Counts);

    [Fact]
    public void The_noise_pools_a_mode_and_its_twin()
    {
        // 49..54 around a median of 51.5.
        var noise = Verdict.NoisePercent([50_000, 52_000, 54_000], [49_000, 51_000, 53_000]);
        Assert.Equal(9.71, noise!.Value, precision: 2);
        Assert.Null(Verdict.NoisePercent([50_000], [49_000])); // a twin measured once is no noise estimate
    }
}
