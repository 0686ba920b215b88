using ActorWss.Bench.Model;
using ActorWss.Bench.Report;

namespace ActorWss.Tests.Bench;

public class ReportFormatTests
{
    [Theory]
    [InlineData(268, "268 µs")]
    [InlineData(999.4, "999 µs")]
    [InlineData(999.6, "1.00 ms")]
    [InlineData(1_760, "1.76 ms")]
    [InlineData(12_345, "12.35 ms")]
    public void Latency_is_in_microseconds_below_a_millisecond_and_in_milliseconds_from_there(double us, string expected) =>
        Assert.Equal(expected, ReportFormat.Latency(us));

    [Theory]
    [InlineData(-69.53, "\u221270%")]
    [InlineData(227.75, "+228%")]
    [InlineData(0.4, "0%")]
    [InlineData(-0.4, "0%")]
    [InlineData(1234.5, "+1,235%")]
    public void Delta_is_whole_percent_with_a_real_minus_sign(double percent, string expected) =>
        Assert.Equal(expected, ReportFormat.Delta(percent));

    [Theory]
    [InlineData(64, "64 B")]
    [InlineData(1024, "1 KiB")]
    [InlineData(4096, "4 KiB")]
    [InlineData(1500, "1,500 B")]
    [InlineData(1048576, "1 MiB")]
    public void Sizes_are_in_bytes_or_whole_kibibytes_or_mebibytes(int bytes, string expected) =>
        Assert.Equal(expected, ReportFormat.Size(bytes));

    [Fact]
    public void Rates_have_thousands_separators() =>
        Assert.Equal("186,513 msg/s", ReportFormat.Rate(186_513.4));

    [Fact]
    public void A_spread_is_the_median_with_its_range_unless_there_was_one_repeat()
    {
        Assert.Equal("52,000 (50,000–54,000)", ReportFormat.Spread(new Spread(52_000, 50_000, 54_000, 3), MetricFormat.Rate));
        Assert.Equal("52,000", ReportFormat.Spread(new Spread(52_000, 52_000, 52_000, 1), MetricFormat.Rate));
        Assert.Equal("—", ReportFormat.Spread(null, MetricFormat.Rate));
    }

    [Fact]
    public void A_delta_that_counts_is_bold_and_one_that_does_not_is_plain()
    {
        Assert.Equal("**\u221221%**", ReportFormat.Verdict(new Difference(-21.2, true)));
        Assert.Equal("+7%", ReportFormat.Verdict(new Difference(7.1, false)));
    }
}
