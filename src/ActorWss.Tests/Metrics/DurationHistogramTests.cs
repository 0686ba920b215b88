using ActorWss.Metrics;

namespace ActorWss.Tests.Metrics;

/// <summary>Durations land in the first bucket whose upper bound (seconds) they do not exceed, beyond the last in +Inf.</summary>
public class DurationHistogramTests
{
    [Theory]
    [InlineData(0, "0.0005")]
    [InlineData(500, "0.0005")]
    [InlineData(501, "0.001")]
    [InlineData(10_000, "0.01")]
    [InlineData(10_001, "0.025")]
    [InlineData(10_000_000, "10")]
    [InlineData(10_000_001, "+Inf")]
    public void A_duration_is_counted_in_the_first_bucket_that_holds_it(long microseconds, string expectedBound)
    {
        var histogram = new DurationHistogram();
        histogram.Record(TimeSpan.FromMicroseconds(microseconds));

        var cumulative = histogram.Cumulative();
        var first = cumulative.First(bucket => bucket.Count == 1);
        Assert.Equal(expectedBound, first.UpperBound);
        Assert.All(cumulative.TakeWhile(bucket => bucket.UpperBound != expectedBound), bucket => Assert.Equal(0, bucket.Count));
        Assert.Equal(1, cumulative[^1].Count);
        Assert.Equal(microseconds / 1_000_000.0, histogram.SumSeconds, 6);
    }

    [Fact]
    public void Counts_and_sum_add_up_over_many_records()
    {
        var histogram = new DurationHistogram();
        foreach (var ms in new[] { 0.2, 3, 30, 300, 3000, 30_000 }) histogram.Record(TimeSpan.FromMilliseconds(ms));

        Assert.Equal(6, histogram.Count);
        Assert.Equal(33.3332, histogram.SumSeconds, 4);
        Assert.Equal([1L, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6], histogram.Cumulative().Select(bucket => bucket.Count));
    }
}
