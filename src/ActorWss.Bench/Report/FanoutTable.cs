using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>Fan-out: delivered messages per second and delivery latency per mode and subscriber count.</summary>
internal static class FanoutTable
{
    public static void Append(StringBuilder md, IReadOnlyList<FanoutResult> results)
    {
        if (results.Count == 0) return;
        md.AppendLine("### One publisher, N subscribers").AppendLine();
        md.AppendLine("The publisher keeps a window of messages outstanding; a message stops being outstanding when the last "
            + "subscriber has it. Delivered/s counts every subscriber's copy; latency is send to delivery. Medians (min–max).")
            .AppendLine();
        var table = new MarkdownTable(["Mode", "Subscribers", "Window", "Delivered/s", "p50", "p99", "p99.9", "Server CPU µs / delivery"], labelColumns: 1);
        foreach (var group in results.GroupBy(r => (r.Mode, r.Subscribers, r.Window)).OrderBy(g => g.Key.Mode, StringComparer.Ordinal).ThenBy(g => g.Key.Subscribers))
        {
            var measured = group.Where(r => r.Delivered > 0).ToArray();
            if (measured.Length == 0) continue;
            table.AddRow(
                [group.Key.Mode,
                 ReportFormat.Count(group.Key.Subscribers),
                 ReportFormat.Count(group.Key.Window),
                 ReportFormat.Spread(Spread.Of(measured.Select(r => (double?)r.DeliveredPerSecond)), MetricFormat.Rate),
                 ReportFormat.Median(Spread.Of(measured.Select(r => (double?)r.Latency.P50Us)), MetricFormat.Latency),
                 ReportFormat.Spread(Spread.Of(measured.Select(r => (double?)r.Latency.P99Us)), MetricFormat.Latency),
                 ReportFormat.Median(Spread.Of(measured.Select(r => (double?)r.Latency.P999Us)), MetricFormat.Latency),
                 ReportFormat.Median(Spread.Of(measured.Select(r => CaseMetrics.Micro(r.Server?.CpuSeconds, r.Server?.WindowEchoes ?? r.Delivered))), MetricFormat.Micro)]);
        }
        table.AppendTo(md);
    }
}
