using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>
/// The charts a run gets: for every table whose rows are a number (connections, size, messages in flight),
/// throughput and server CPU per echo against it, medians with min–max bars. A chart with no data point is left out.
/// The report links exactly these, so its links and the written files agree.
/// </summary>
internal static class ChartCatalog
{
    public static IReadOnlyList<ChartDefinition> For(BenchmarkRun run)
    {
        var results = ResultSet.Of(run);
        return run.Tables.SelectMany(table => ForTable(run, table, results)).Where(chart => chart.Series.Count > 0).ToArray();
    }

    private static IEnumerable<ChartDefinition> ForTable(BenchmarkRun run, TableSpec table, ResultSet results)
    {
        Func<CellSpec, double>? position = table.Axis switch
        {
            "connections" => c => c.Connections,
            // Sizes and in-flight counts grow by factors: a log2 axis spaces them evenly.
            "size" => c => Math.Log2(c.MessageSize),
            "in-flight" => c => Math.Log2(c.InFlight),
            _ => null,
        };
        if (position is null) yield break;
        var cells = table.Cells.Where(c => table.Modes.Any(m => results.Measured(ResultSet.Key(m, c)).Count > 0)).ToArray();
        if (cells.Length == 0) yield break;
        var ticks = cells.Select(c => new AxisTick(position(c), CellLabels.Row(table, c, run.Environment.Machine.Cores))).ToArray();
        var xLabel = CellLabels.AxisHeader(table) + (table.Axis == "connections" ? "" : " (log2 scale)");

        yield return new ChartDefinition($"{run.Suite}-{table.Id}-throughput.png", run.Suite, table.Id,
            $"Throughput: {table.Title}", xLabel, "msg/s (median, min–max)", ticks, ReportFormat.Count,
            SeriesOf(table, cells, results, position, CaseMetrics.Throughput));
        yield return new ChartDefinition($"{run.Suite}-{table.Id}-cpu.png", run.Suite, table.Id,
            $"Server CPU per echo: {table.Title}", xLabel, "µs per echo (median, min–max)", ticks, ReportFormat.Short,
            SeriesOf(table, cells, results, position, CaseMetrics.CpuUs));
    }

    private static IReadOnlyList<ChartSeries> SeriesOf(TableSpec table, IReadOnlyList<CellSpec> cells, ResultSet results,
        Func<CellSpec, double> position, CaseMetric metric)
    {
        var series = new List<ChartSeries>();
        foreach (var mode in table.Modes)
        {
            var points = cells.Select(c => (X: position(c), Spread: results.Spread(ResultSet.Key(mode, c), metric)))
                .Where(p => p.Spread is not null)
                .ToArray();
            if (points.Length > 0)
                series.Add(new ChartSeries(mode, points.Select(p => p.X).ToArray(), points.Select(p => p.Spread!.Median).ToArray(),
                    points.Select(p => p.Spread!.Median - p.Spread.Min).ToArray(), points.Select(p => p.Spread!.Max - p.Spread.Median).ToArray()));
        }
        return series;
    }
}
