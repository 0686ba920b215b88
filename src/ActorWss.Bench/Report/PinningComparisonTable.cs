using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>The same cases unpinned and pinned (server and load generator on disjoint CPUs), side by side.</summary>
internal static class PinningComparisonTable
{
    private static readonly (int Connections, int MessageSize)[] Cases =
        [(ResultLookup.SweepConnections, 64), (ResultLookup.SweepConnections, 4096)];

    public static void Append(StringBuilder md, ResultLookup results)
    {
        if (results.Pinnings.Count < 2)
            return;

        var table = new MarkdownTable(
            ["Case", "Mode", "msg/s unpinned", "msg/s pinned", "msg / server CPU-s unpinned", "msg / server CPU-s pinned"],
            labelColumns: 2);
        foreach (var (connections, size) in Cases)
        {
            if (!results.Has(pinned: false, connections, size) && !results.Has(pinned: true, connections, size))
                continue;
            foreach (var mode in results.Modes)
            {
                CaseResult? Find(bool pinned) => results.Find(mode, pinned, connections, size);
                table.AddRow(
                    [ReportFormat.Case(connections, size),
                     mode,
                     ReportFormat.OrMissing(Find(false)?.MessagesPerSecond, ReportFormat.Count),
                     ReportFormat.OrMissing(Find(true)?.MessagesPerSecond, ReportFormat.Count),
                     ReportFormat.OrMissing(Find(false)?.MessagesPerServerCpuSecond, ReportFormat.Count),
                     ReportFormat.OrMissing(Find(true)?.MessagesPerServerCpuSecond, ReportFormat.Count)]);
            }
        }
        if (table.RowCount == 0)
            return;

        md.AppendLine("## Pinned vs unpinned").AppendLine();
        md.AppendLine("Pinning takes the CPUs the load generator uses away from the server: "
            + "msg/s compares what each setup delivered, msg / server CPU-s what the server spent per echo.").AppendLine();
        table.AppendTo(md);
    }
}
