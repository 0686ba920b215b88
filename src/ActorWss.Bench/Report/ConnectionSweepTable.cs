using System.Text;

namespace ActorWss.Bench.Report;

/// <summary>Echo at 64 B, varying the connection count: msg/s and mean latency per mode, with Δ columns.</summary>
internal static class ConnectionSweepTable
{
    public static void Append(StringBuilder md, ResultLookup results, bool pinned)
    {
        const int size = ResultLookup.SweepMessageSize;
        var connectionCounts = results.ConnectionCounts(pinned);
        if (connectionCounts.Count == 0)
            return;

        var comparisons = ModeComparison.Among(results.Modes);
        md.AppendLine($"### Echo {ReportFormat.Size(size)} — Varying Connection Count").AppendLine();
        md.AppendLine("Each cell: messages per second, mean round-trip latency.").AppendLine();

        var table = new MarkdownTable(
            ["Connections", .. results.Modes,
             .. comparisons.SelectMany(c => new[] { $"Δ Throughput {c.Label}", $"Δ Latency {c.Label}" })]);
        foreach (var connections in connectionCounts)
        {
            double? Throughput(string mode) => results.Find(mode, pinned, connections, size)?.MessagesPerSecond;
            double? MeanLatency(string mode) => results.Find(mode, pinned, connections, size)?.Latency.MeanUs;

            table.AddRow(
                [ReportFormat.Count(connections),
                 .. results.Modes.Select(mode => results.Find(mode, pinned, connections, size) is { } result
                     ? $"{ReportFormat.Rate(result.MessagesPerSecond)}, {ReportFormat.Latency(result.Latency.MeanUs)}"
                     : ReportFormat.Missing),
                 .. comparisons.SelectMany(c => new[] { c.Delta(Throughput), c.Delta(MeanLatency) })]);
        }
        table.AppendTo(md);
    }
}
