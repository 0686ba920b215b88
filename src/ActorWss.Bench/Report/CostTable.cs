using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>
/// What each echo cost the server, per mode and case, medians over the repeats: CPU split into user and system,
/// context switches, thread-pool work items, allocation, TLS steps and their batch sizes, and the case's peak memory.
/// </summary>
internal static class CostTable
{
    private static readonly CaseMetric[] Columns =
    [
        CaseMetrics.Throughput, CaseMetrics.CpuUserUs, CaseMetrics.CpuSystemUs, CaseMetrics.ContextSwitches, CaseMetrics.WorkItems,
        CaseMetrics.Allocated, CaseMetrics.TlsSteps, CaseMetrics.DecryptBytesPerStep, CaseMetrics.EncryptBytesPerStep,
        CaseMetrics.PeakRss, CaseMetrics.ServerCpu, CaseMetrics.ClientCpu,
    ];

    public static void Append(StringBuilder md, TableSpec table, IReadOnlyList<CellSpec> cells, IReadOnlyList<string> modes,
        ResultSet results, int cores)
    {
        md.AppendLine("Per-echo costs, medians over the repeats. CPU from /proc/PID/stat; context switches summed over the "
            + "server's threads (/proc/PID/task/*/status); work items (the .NET thread pool's, not a dedicated pool's) and "
            + "allocated bytes from the server's runtime counters; TLS steps and bytes per step from ActorWss's /metrics; "
            + "peak RSS in MiB for this case alone (reset at its start); server and client CPU in % of one core.").AppendLine();
        var costs = new MarkdownTable(["Mode", CellLabels.AxisHeader(table), .. Columns.Select(c => c.Name)], labelColumns: 2);
        foreach (var mode in modes)
        {
            foreach (var cell in cells)
            {
                var key = ResultSet.Key(mode, cell);
                if (results.Measured(key).Count == 0) continue;
                costs.AddRow([mode, CellLabels.Row(table, cell, cores), .. Columns.Select(c => ReportFormat.Median(results.Spread(key, c), c.Format))]);
            }
        }
        costs.AppendTo(md);
    }
}
