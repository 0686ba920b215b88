using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>
/// One table of a suite, as the reader needs it: throughput and server CPU per echo as median (min–max) per mode
/// with Δ columns judged against the A/A spread, latency percentiles, and for size sweeps the transfer rate.
/// </summary>
internal static class SweepTables
{
    public static void Append(StringBuilder md, TableSpec table, ResultSet results, int cores)
    {
        var cells = table.Cells.Where(c => table.Modes.Any(m => results.Has(ResultSet.Key(m, c)))).ToArray();
        if (cells.Length == 0) return;
        var modes = table.Modes.Where(m => cells.Any(c => results.Has(ResultSet.Key(m, c)))).ToArray();
        var comparisons = table.Comparisons.Where(c => modes.Contains(c.Mode) && modes.Contains(c.Baseline)).ToArray();
        bool hasTwin = cells.Any(c => results.Noise(c, CaseMetrics.Throughput) is not null);

        md.AppendLine($"### {table.Title}").AppendLine();
        var constant = CellLabels.Constant(table, cores);
        md.AppendLine((constant.Length > 0 ? constant + ". " : "") + (table.Note ?? "")).AppendLine();

        md.AppendLine("Throughput, msg/s: median (min–max) over the repeats.").AppendLine();
        Judged(table, cells, modes, comparisons, hasTwin, results, cores, CaseMetrics.Throughput).AppendTo(md);

        md.AppendLine("Server CPU per echo, µs (user + system; lower is better): median (min–max).").AppendLine();
        Judged(table, cells, modes, comparisons, hasTwin, results, cores, CaseMetrics.CpuUs).AppendTo(md);

        md.AppendLine("Round-trip latency, medians over the repeats: p50 / p99 / p99.9.").AppendLine();
        var latency = new MarkdownTable([CellLabels.AxisHeader(table), .. modes]);
        foreach (var cell in cells)
        {
            latency.AddRow([CellLabels.Row(table, cell, cores), .. modes.Select(mode =>
            {
                var key = ResultSet.Key(mode, cell);
                return results.Measured(key).Count == 0 ? ReportFormat.Missing
                    : string.Join(" / ", new[] { CaseMetrics.P50, CaseMetrics.P99, CaseMetrics.P999 }
                        .Select(m => ReportFormat.Median(results.Spread(key, m), MetricFormat.Latency)));
            })]);
        }
        latency.AppendTo(md);

        if (table.Axis == "size")
        {
            md.AppendLine("Transfer rate, MiB/s, both directions (msg/s × size × 2 / 2^20), medians.").AppendLine();
            var transfer = new MarkdownTable([CellLabels.AxisHeader(table), .. modes]);
            foreach (var cell in cells)
                transfer.AddRow([CellLabels.Row(table, cell, cores), .. modes.Select(mode =>
                    ReportFormat.OrMissing(Spread.Of(results.Measured(ResultSet.Key(mode, cell)).Select(r => (double?)r.MiBPerSecond))?.Median,
                        ReportFormat.Fixed2))]);
            transfer.AppendTo(md);
        }

        CostTable.Append(md, table, cells, modes, results, cores);
    }

    /// <summary>A metric per mode with the Δ columns (bold: counts) and the A/A spread.</summary>
    private static MarkdownTable Judged(TableSpec table, IReadOnlyList<CellSpec> cells, IReadOnlyList<string> modes,
        IReadOnlyList<Comparison> comparisons, bool hasTwin, ResultSet results, int cores, CaseMetric metric)
    {
        var judged = new MarkdownTable(
            [CellLabels.AxisHeader(table), .. modes, .. comparisons.Select(c => $"Δ {c.Mode} vs {c.Baseline}"), .. hasTwin ? ["A/A spread"] : Array.Empty<string>()]);
        foreach (var cell in cells)
        {
            judged.AddRow(
                [CellLabels.Row(table, cell, cores),
                 .. modes.Select(mode => ReportFormat.Spread(results.Spread(ResultSet.Key(mode, cell), metric), metric.Format)),
                 .. comparisons.Select(c => ReportFormat.Verdict(results.Compare(c, cell, metric))),
                 .. hasTwin ? [ReportFormat.Noise(results.Noise(cell, metric))] : Array.Empty<string>()]);
        }
        return judged;
    }
}
