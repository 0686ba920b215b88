using System.Diagnostics;
using ActorWss.Bench.Model;
using HdrHistogram;

namespace ActorWss.Bench.Load;

/// <summary>Histograms of Stopwatch ticks, summarized in microseconds.</summary>
internal static class Latencies
{
    public static LatencySummary Summarize(LongHistogram histogram)
    {
        double Micro(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        if (histogram.TotalCount == 0) return new LatencySummary(0, 0, 0, 0, 0, 0);
        return new LatencySummary(
            Micro((long)histogram.GetMean()),
            Micro(histogram.GetValueAtPercentile(50)),
            Micro(histogram.GetValueAtPercentile(90)),
            Micro(histogram.GetValueAtPercentile(99)),
            Micro(histogram.GetValueAtPercentile(99.9)),
            Micro(histogram.GetMaxValue()));
    }
}
