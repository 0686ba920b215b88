namespace ActorWss.Bench.Report;

/// <summary>One mode's line on a chart: medians, and how far below and above them the repeats went.</summary>
internal sealed record ChartSeries(string Mode, IReadOnlyList<double> Xs, IReadOnlyList<double> Ys, IReadOnlyList<double> Below, IReadOnlyList<double> Above);

/// <summary>A labelled x position (connection count, or a size or in-flight count on a log2 axis).</summary>
internal sealed record AxisTick(double Position, string Label);

/// <summary>What one chart shows, independent of how it is drawn.</summary>
/// <param name="FileName">The PNG's name, also linked from the Markdown report as bench/<c>FileName</c>.</param>
internal sealed record ChartDefinition(
    string FileName,
    string Suite,
    string TableId,
    string Title,
    string XLabel,
    string YLabel,
    IReadOnlyList<AxisTick> XTicks,
    Func<double, string> YTickLabel,
    IReadOnlyList<ChartSeries> Series);
