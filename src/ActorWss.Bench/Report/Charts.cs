using ActorWss.Bench.Model;
using ScottPlot;

namespace ActorWss.Bench.Report;

/// <summary>Draws the run's charts (see <see cref="ChartCatalog"/>) as PNG files.</summary>
public static class Charts
{
    private const int Width = 900;
    private const int Height = 520;

    /// <summary>Writes every chart into <paramref name="folder"/> (created if missing) and returns the file names.</summary>
    public static IReadOnlyList<string> Write(BenchmarkRun run, string folder)
    {
        // ScottPlot's default font name resolves to a serif face on Linux.
        Fonts.Default = "DejaVu Sans";
        Directory.CreateDirectory(folder);

        var written = new List<string>();
        var modes = run.Modes.Select(m => m.Name).ToArray();
        foreach (var chart in ChartCatalog.For(run))
        {
            using var plot = Draw(chart, modes);
            plot.SavePng(Path.Combine(folder, chart.FileName), Width, Height);
            written.Add(chart.FileName);
        }
        return written;
    }

    private static Plot Draw(ChartDefinition chart, IReadOnlyList<string> allModes)
    {
        var plot = new Plot();
        // Colour by the mode's place in the run, so a mode keeps its colour on charts where another has no data.
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var series in chart.Series)
        {
            var color = palette.GetColor(IndexOf(allModes, series.Mode));
            var line = plot.Add.Scatter(series.Xs.ToArray(), series.Ys.ToArray(), color);
            line.LegendText = series.Mode;
            line.LineWidth = 2;
            line.MarkerSize = 7;
            var bars = new ScottPlot.Plottables.ErrorBar(series.Xs, series.Ys, null, null, series.Above, series.Below)
            {
                Color = color,
                LineWidth = 1,
            };
            plot.Add.Plottable(bars);
        }

        plot.Title(chart.Title);
        plot.XLabel(chart.XLabel);
        plot.YLabel(chart.YLabel);

        var xTicks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var tick in chart.XTicks)
            xTicks.AddMajor(tick.Position, tick.Label);
        plot.Axes.Bottom.TickGenerator = xTicks;
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = chart.YTickLabel };

        // Read against zero; the x range keeps a margin around the outer ticks.
        var maxY = chart.Series.SelectMany(s => s.Ys.Zip(s.Above, (y, above) => y + above)).DefaultIfEmpty(1).Max();
        plot.Axes.SetLimitsY(0, maxY > 0 ? maxY * 1.1 : 1);
        var minX = chart.XTicks.Min(t => t.Position);
        var maxX = chart.XTicks.Max(t => t.Position);
        var margin = maxX > minX ? (maxX - minX) * 0.05 : 1;
        plot.Axes.SetLimitsX(minX - margin, maxX + margin);

        plot.ShowLegend(Edge.Right);
        return plot;
    }

    private static int IndexOf(IReadOnlyList<string> modes, string mode)
    {
        for (var i = 0; i < modes.Count; i++)
            if (modes[i] == mode)
                return i;
        return 0;
    }
}
