using ActorWss.Metrics;

namespace ActorWss.Tests.Metrics;

/// <summary>Sizes land in the first bucket whose upper bound they do not exceed (Prometheus's "le"), beyond the last in +Inf.</summary>
public class SizeHistogramTests
{
    [Theory]
    [InlineData(0, "64")]
    [InlineData(64, "64")]
    [InlineData(65, "256")]
    [InlineData(4096, "4096")]
    [InlineData(4097, "16384")]
    [InlineData(1048576, "1048576")]
    [InlineData(1048577, "+Inf")]
    public void A_size_is_counted_in_the_first_bucket_that_holds_it(long bytes, string expectedBound)
    {
        var histogram = new SizeHistogram();
        histogram.Record(bytes);

        var cumulative = histogram.Cumulative();
        var first = cumulative.First(bucket => bucket.Count == 1);
        Assert.Equal(expectedBound, first.UpperBound);
        Assert.All(cumulative.TakeWhile(bucket => bucket.UpperBound != expectedBound), bucket => Assert.Equal(0, bucket.Count));
        Assert.Equal(1, cumulative[^1].Count);
        Assert.Equal(bytes, histogram.Sum);
    }

    [Fact]
    public void Counts_and_sum_add_up_over_many_records()
    {
        var histogram = new SizeHistogram();
        foreach (var size in new long[] { 10, 100, 1000, 10_000, 100_000, 2_000_000 }) histogram.Record(size);

        Assert.Equal(6, histogram.Count);
        Assert.Equal(2_111_110, histogram.Sum);
        Assert.Equal([1L, 2, 3, 3, 4, 4, 5, 5, 6], histogram.Cumulative().Select(bucket => bucket.Count));
    }
}
