using System.Globalization;
using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>The top of the report: what was run, where, how, and what each mode is.</summary>
internal static class RunHeader
{
    public static void Append(StringBuilder md, BenchmarkRun run)
    {
        md.AppendLine("# ActorWss benchmarks").AppendLine();
        md.AppendLine("Closed-loop WebSocket echo, like the reference Go client: every connection sends one binary message, "
            + "waits for its echo, checks it byte for byte, and repeats. "
            + "Throughput is verified echoes per measured second; latency is the round trip of one echo; "
            + "transfer rate counts both directions (msg/s × size × 2 / 2^20 = MiB/s). "
            + "When the load generator shares the CPU with the server, absolute figures say more about the machine "
            + "than about the server: compare modes measured in the same run.");
        md.AppendLine();

        md.AppendLine("Command:").AppendLine();
        md.AppendLine("```sh").AppendLine(run.Command).AppendLine("```").AppendLine();

        var machine = run.Machine;
        md.AppendLine($"- When: {run.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}");
        md.AppendLine($"- Machine: {machine.Cpu}, {machine.Cores} cores, {machine.Os}, {machine.Runtime}, GC: {machine.Gc}");
        md.AppendLine($"- Case duration: {ReportFormat.Seconds(run.CaseSeconds)} measured per case, after a warm-up");
        md.AppendLine();

        md.AppendLine("## Modes").AppendLine();
        var table = new MarkdownTable(["Mode", "Description", "Overrides"], labelColumns: 3);
        foreach (var mode in run.Modes)
            table.AddRow([mode.Name, mode.Description, Overrides(mode)]);
        table.AppendTo(md);
    }

    private static string Overrides(ModeInfo mode) =>
        mode.Overrides.Count == 0 ? ReportFormat.Missing : string.Join(", ", mode.Overrides.Select(o => $"`{o}`"));
}
