using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>
/// The charts a run gets: per pinning present, throughput and mean latency and server efficiency against connections
/// (64 B), and throughput against message size (100 connections). A chart with no data point is left out.
/// The report links exactly these, so its links and the written files agree.
/// </summary>
internal static class ChartCatalog
{
    public static IReadOnlyList<ChartDefinition> For(ResultLookup results) =>
        results.Pinnings.SelectMany(pinned => ForPinning(results, pinned))
            .Where(chart => chart.Series.Count > 0)
            .ToArray();

    private static IEnumerable<ChartDefinition> ForPinning(ResultLookup results, bool pinned)
    {
        var pinning = ReportFormat.Pinning(pinned);
        const int size = ResultLookup.SweepMessageSize;
        const int connections = ResultLookup.SweepConnections;
        var connectionCounts = results.ConnectionCounts(pinned);
        var connectionTicks = connectionCounts.Select(c => new AxisTick(c, ReportFormat.Count(c))).ToArray();
        var sizes = results.MessageSizes(pinned);
        // Sizes grow fourfold per step: a log2 axis spaces them evenly.
        var sizeTicks = sizes.Select(s => new AxisTick(Math.Log2(s), ReportFormat.Size(s))).ToArray();

        IReadOnlyList<ChartSeries> AgainstConnections(Func<CaseResult, double?> y) =>
            SeriesOf(results, mode => connectionCounts.Select(c => (X: (double)c, Result: results.Find(mode, pinned, c, size))), y);

        yield return new ChartDefinition(
            $"throughput-connections-{pinning}.png", pinned,
            $"Echo throughput vs connections ({ReportFormat.Size(size)}, {pinning})",
            "Connections", "Throughput (msg/s)",
            connectionTicks, ReportFormat.Count,
            AgainstConnections(r => r.MessagesPerSecond));

        yield return new ChartDefinition(
            $"throughput-size-{pinning}.png", pinned,
            $"Echo throughput vs message size ({connections} connections, {pinning})",
            "Message size (log2 scale)", "Throughput (msg/s)",
            sizeTicks, ReportFormat.Count,
            SeriesOf(results, mode => sizes.Select(s => (X: Math.Log2(s), Result: results.Find(mode, pinned, connections, s))),
                r => r.MessagesPerSecond));

        yield return new ChartDefinition(
            $"latency-connections-{pinning}.png", pinned,
            $"Mean round-trip latency vs connections ({ReportFormat.Size(size)}, {pinning})",
            "Connections", "Mean latency (ms)",
            connectionTicks, ReportFormat.Short,
            AgainstConnections(r => r.Latency.MeanUs / 1000));

        yield return new ChartDefinition(
            $"efficiency-connections-{pinning}.png", pinned,
            $"Messages per server CPU-second vs connections ({ReportFormat.Size(size)}, {pinning})",
            "Connections", "Messages per server CPU-second",
            connectionTicks, ReportFormat.Count,
            AgainstConnections(r => r.MessagesPerServerCpuSecond));
    }

    private static IReadOnlyList<ChartSeries> SeriesOf(
        ResultLookup results,
        Func<string, IEnumerable<(double X, CaseResult? Result)>> casesOf,
        Func<CaseResult, double?> y)
    {
        var series = new List<ChartSeries>();
        foreach (var mode in results.Modes)
        {
            var points = casesOf(mode)
                .Select(c => (c.X, Y: c.Result is null ? null : y(c.Result)))
                .Where(p => p.Y is not null)
                .ToArray();
            if (points.Length > 0)
                series.Add(new ChartSeries(mode, points.Select(p => p.X).ToArray(), points.Select(p => p.Y!.Value).ToArray()));
        }
        return series;
    }
}
