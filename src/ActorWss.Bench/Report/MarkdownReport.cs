using System.Text;
using ActorWss.Bench.Matrix;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>
/// Renders docs/BENCHMARKS.md from the runs of one or more suites: how it was made and how to read it, then each
/// suite's tables with chart links, the reference's five causes against the measurements, and the notes.
/// </summary>
public static class MarkdownReport
{
    /// <summary>Where the charts and results live, relative to docs/BENCHMARKS.md.</summary>
    public const string ChartFolder = "bench";

    public static string Render(IReadOnlyList<BenchmarkRun> runs, string? notes = null)
    {
        var ordered = runs.OrderBy(r => Order(r.Suite)).ToArray();
        var md = new StringBuilder();
        RunHeader.Append(md, ordered);
        RunHeader.AppendModes(md, ordered);

        foreach (var run in ordered)
        {
            md.AppendLine($"## {run.Title}").AppendLine();
            md.AppendLine(run.Description).AppendLine();
            var results = ResultSet.Of(run);
            int cores = run.Environment.Machine.Cores;
            var charts = ChartCatalog.For(run);
            foreach (var table in run.Tables)
            {
                SweepTables.Append(md, table, results, cores);
                foreach (var chart in charts.Where(c => c.TableId == table.Id))
                    md.AppendLine($"![{chart.Title}]({ChartFolder}/{chart.FileName})").AppendLine();
            }
            IdleMemoryTable.Append(md, run.IdleMemory, run.Modes.Select(m => m.Name).ToArray());
            FanoutTable.Append(md, run.Fanout);
            ErrorsTable.Append(md, run);
        }

        RootCauseEvidence.Append(md, ordered);

        if (!string.IsNullOrWhiteSpace(notes))
            md.AppendLine(notes.Trim()).AppendLine();

        return md.ToString().TrimEnd() + Environment.NewLine;
    }

    public static string Render(BenchmarkRun run, string? notes = null) => Render([run], notes);

    private static int Order(string suite)
    {
        int index = SuiteCatalog.Names.ToList().IndexOf(suite);
        return index < 0 ? int.MaxValue : index;
    }
}
