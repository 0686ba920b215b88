using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>Renders a run as docs/BENCHMARKS.md: tables shaped like the reference report, per pinning, with chart links.</summary>
public static class MarkdownReport
{
    /// <summary>Where the charts live, relative to docs/BENCHMARKS.md.</summary>
    public const string ChartFolder = "bench";

    public static string Render(BenchmarkRun run, string? notes = null)
    {
        var results = new ResultLookup(run);
        var charts = ChartCatalog.For(results);
        var md = new StringBuilder();

        RunHeader.Append(md, run);
        foreach (var pinned in results.Pinnings)
        {
            AppendPinningHeading(md, results, pinned);
            ConnectionSweepTable.Append(md, results, pinned);
            MessageSizeTables.Append(md, results, pinned);
            EfficiencyTable.Append(md, results, pinned);
            ErrorsTable.Append(md, results, pinned);
            AppendCharts(md, charts.Where(c => c.Pinned == pinned));
        }
        PinningComparisonTable.Append(md, results);

        if (!string.IsNullOrWhiteSpace(notes))
            md.AppendLine("## Notes").AppendLine().AppendLine(notes.Trim()).AppendLine();

        return md.ToString().TrimEnd() + Environment.NewLine;
    }

    private static void AppendPinningHeading(StringBuilder md, ResultLookup results, bool pinned)
    {
        md.AppendLine(pinned ? "## Pinned" : "## Unpinned").AppendLine();
        if (!pinned)
        {
            md.AppendLine("Server and load generator share every CPU of the machine.").AppendLine();
            return;
        }

        var cases = results.InPinning(pinned);
        var serverCpus = CpuSets(cases.Select(r => r.ServerCpus));
        var clientCpus = CpuSets(cases.Select(r => r.ClientCpus));
        md.AppendLine($"Server and load generator on disjoint CPUs: server on CPUs {serverCpus}, load generator on CPUs {clientCpus}.")
            .AppendLine();
    }

    private static string CpuSets(IEnumerable<string?> cpuSets)
    {
        var sets = cpuSets.OfType<string>().Distinct(StringComparer.Ordinal).ToArray();
        return sets.Length == 0 ? ReportFormat.Missing : string.Join(" or ", sets);
    }

    private static void AppendCharts(StringBuilder md, IEnumerable<ChartDefinition> charts)
    {
        var list = charts.ToArray();
        if (list.Length == 0)
            return;
        md.AppendLine("### Charts").AppendLine();
        foreach (var chart in list)
            md.AppendLine($"![{chart.Title}]({ChartFolder}/{chart.FileName})").AppendLine();
    }
}
