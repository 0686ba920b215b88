using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>
/// The reference report's five root causes, each against the figures of this report that test it (taken from the
/// reference and regimes suites, when they ran): the same comparison, the same verdict rule. The notes interpret them.
/// </summary>
internal static class RootCauseEvidence
{
    private sealed record Row(string Cause, string What, string Case, string Baseline, string Mode, string Delta, string Noise);

    public static void Append(StringBuilder md, IReadOnlyList<BenchmarkRun> runs)
    {
        var rows = new List<Row>();
        if (runs.FirstOrDefault(r => r.Suite == "reference") is { } reference) rows.AddRange(FromReference(reference));
        if (runs.FirstOrDefault(r => r.Suite == "regimes") is { } regimes) rows.AddRange(FromRegimes(regimes));
        if (rows.Count == 0) return;

        md.AppendLine("## The reference's five causes, measured").AppendLine();
        md.AppendLine("Each row is a comparison from the tables above (medians; Δ in bold only when it counts by the verdict rule). "
            + "Causes: (1) per-message dispatch cost, (2) extra copies, (3) serial work split over threads, (4) a fixed "
            + "throughput ceiling, (5) the cost falling with message size. Batching: what a TLS step carries.").AppendLine();
        var table = new MarkdownTable(["Cause", "Measured", "Case", "Baseline", "Compared", "Δ", "A/A spread"], labelColumns: 3);
        foreach (var row in rows) table.AddRow([row.Cause, row.What, row.Case, row.Baseline, row.Mode, row.Delta, row.Noise]);
        table.AppendTo(md);
    }

    private static IEnumerable<Row> FromReference(BenchmarkRun run)
    {
        var results = ResultSet.Of(run);
        int cores = run.Environment.Machine.Cores;
        var small = new CellSpec(100, 64, 1, cores);
        foreach (var metric in new[] { CaseMetrics.CpuUs, CaseMetrics.ContextSwitches, CaseMetrics.WorkItems, CaseMetrics.TlsSteps })
            if (Compare(results, "1", metric, small, "wss-inline", "wss-offload") is { } row) yield return row;
        foreach (var size in new[] { 64, 4096 })
        {
            var cell = new CellSpec(100, size, 1, cores);
            if (Compare(results, "2", CaseMetrics.Allocated, cell, "ws", "wss-inline") is { } tls) yield return tls;
            if (Compare(results, "2", CaseMetrics.Allocated, cell, "wss-inline", "wss-offload") is { } offload) yield return offload;
        }
        foreach (var mode in new[] { "wss-inline", "wss-offload" })
        {
            var medians = run.Tables.Where(t => t.Axis == "connections").SelectMany(t => t.Cells)
                .Select(c => results.Spread(ResultSet.Key(mode, c), CaseMetrics.Throughput)?.Median).OfType<double>().ToArray();
            if (medians.Length > 1)
                yield return new Row("4", "msg/s, lowest–highest median over the connection sweep", "64 B, 50–500 connections", "", mode,
                    $"{ReportFormat.Count(medians.Min())}–{ReportFormat.Count(medians.Max())}", "");
        }
        foreach (var cell in run.Tables.Where(t => t.Axis == "size").SelectMany(t => t.Cells).Distinct())
            if (Compare(results, "5", CaseMetrics.Throughput, cell, "wss-inline", "wss-offload") is { } row) yield return row;
    }

    private static IEnumerable<Row> FromRegimes(BenchmarkRun run)
    {
        var results = ResultSet.Of(run);
        foreach (var cell in run.Tables.Where(t => t.Id == "cores").SelectMany(t => t.Cells).Distinct())
            if (Compare(results, "3", CaseMetrics.Throughput, cell, "wss-inline", "wss-offload") is { } row) yield return row;
        foreach (var cell in run.Tables.Where(t => t.Id == "large").SelectMany(t => t.Cells).Distinct())
            if (Compare(results, "5", CaseMetrics.Throughput, cell, "wss-inline", "wss-offload") is { } row) yield return row;
        foreach (var cell in run.Tables.Where(t => t.Id == "pipelined").SelectMany(t => t.Cells).Distinct())
        {
            foreach (var metric in new[] { CaseMetrics.DecryptBytesPerStep, CaseMetrics.TlsSteps })
                if (Compare(results, "batching", metric, cell, "wss-inline", "wss-offload") is { } row) yield return row;
        }
    }

    private static Row? Compare(ResultSet results, string cause, CaseMetric metric, CellSpec cell, string baseline, string mode)
    {
        var a = results.Spread(ResultSet.Key(baseline, cell), metric);
        var b = results.Spread(ResultSet.Key(mode, cell), metric);
        if (a is null || b is null) return null;
        var difference = Verdict.Compare(a, b, results.Noise(cell, metric));
        return new Row(cause, metric.Name, Describe(cell),
            $"{baseline} {ReportFormat.Spread(a, metric.Format)}", $"{mode} {ReportFormat.Spread(b, metric.Format)}",
            ReportFormat.Verdict(difference), ReportFormat.Noise(results.Noise(cell, metric)));
    }

    private static string Describe(CellSpec cell) =>
        $"{ReportFormat.Size(cell.MessageSize)}, {cell.Connections} c, k {cell.InFlight}, {cell.ServerCpus} server CPU{(cell.ServerCpus == 1 ? "" : "s")}";
}
