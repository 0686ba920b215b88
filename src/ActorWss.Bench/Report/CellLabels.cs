using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>How a table names its rows: by what varies among its cells; what does not vary is said once above it.</summary>
internal static class CellLabels
{
    public static string AxisHeader(TableSpec table) => table.Axis switch
    {
        "connections" => "Connections",
        "size" => "Message size",
        "in-flight" => "In flight",
        "server-cpus" => "Server CPUs",
        _ => "Case",
    };

    public static string Row(TableSpec table, CellSpec cell, int cores)
    {
        // A sweep of one number reads best as bare numbers under its header.
        var varying = new[] { "connections", "size", "in-flight", "server-cpus" }.Where(f => Varies(table, f)).ToArray();
        if ((varying.Length == 1 && varying[0] == table.Axis) || varying.Length == 0)
        {
            switch (table.Axis)
            {
                case "connections": return ReportFormat.Count(cell.Connections);
                case "size": return ReportFormat.Size(cell.MessageSize);
                case "in-flight": return ReportFormat.Count(cell.InFlight);
            }
        }
        var parts = Parts(cell, cores, brief: true).Where(p => Varies(table, p.Field)).Select(p => p.Text).ToArray();
        return parts.Length > 0 ? string.Join(", ", parts) : Parts(cell, cores, brief: true).First(p => p.Field == table.Axis || table.Axis == "case").Text;
    }

    /// <summary>"100 connections, 64 B, 1 in flight, server on all 2 CPUs": what every row of the table shares.</summary>
    public static string Constant(TableSpec table, int cores)
    {
        if (table.Cells.Count == 0) return "";
        var parts = Parts(table.Cells[0], cores, brief: false).Where(p => !Varies(table, p.Field) && p.Field != table.Axis).Select(p => p.Text).ToArray();
        return string.Join(", ", parts);
    }

    private static bool Varies(TableSpec table, string field) => table.Cells.Select(c => Field(c, field)).Distinct().Count() > 1;

    private static int Field(CellSpec cell, string field) => field switch
    {
        "connections" => cell.Connections,
        "size" => cell.MessageSize,
        "in-flight" => cell.InFlight,
        _ => cell.ServerCpus,
    };

    /// <param name="brief">For a row: "1 server CPU"; for the line above a table, where the load generator runs too.</param>
    private static IEnumerable<(string Field, string Text)> Parts(CellSpec cell, int cores, bool brief)
    {
        yield return ("connections", $"{ReportFormat.Count(cell.Connections)} connections");
        yield return ("size", ReportFormat.Size(cell.MessageSize));
        yield return ("in-flight", $"{cell.InFlight} in flight");
        yield return ("server-cpus", brief
            ? $"{cell.ServerCpus} server CPU{(cell.ServerCpus == 1 ? "" : "s")}{(cell.ServerCpus >= cores ? " (shared)" : "")}"
            : ServerCpus(cell.ServerCpus, cores));
    }

    public static string ServerCpus(int serverCpus, int cores) => serverCpus >= cores
        ? $"server on all {cores} CPUs, shared with the load generator"
        : $"server on {serverCpus} CPU{(serverCpus == 1 ? "" : "s")}, load generator on the other {cores - serverCpus}";
}
