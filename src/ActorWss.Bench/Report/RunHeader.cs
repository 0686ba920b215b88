using System.Globalization;
using System.Text;
using ActorWss.Bench.Load;
using ActorWss.Bench.Matrix;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>The top of the report: the method, how to read it, and exactly what was run, where and how.</summary>
internal static class RunHeader
{
    public static void Append(StringBuilder md, IReadOnlyList<BenchmarkRun> runs)
    {
        md.AppendLine("# ActorWss benchmarks").AppendLine();
        md.AppendLine("Closed-loop WebSocket echo, like the reference Go client: every connection sends a binary message, waits for "
            + "its echo, checks it byte for byte, and sends the next (pipelined cases keep k messages in flight per connection). "
            + "Throughput is verified echoes per measured second; latency is the round trip of one echo. The load generator "
            + "shares this machine with the server: absolute figures say as much about the machine as about the server, so "
            + "compare modes within a run, and read the per-echo costs, which do not depend on who saturated first.");
        md.AppendLine();

        md.AppendLine("## How to read it").AppendLine();
        md.AppendLine("- **Every cell is a median with its range**: `median (min–max)` over the repeats. Each repeat measures "
            + "every cell of every mode once, the modes in an order shuffled per repeat from a recorded seed. The runs table's "
            + "\"Order\" says how: *by cell* runs each cell on all its modes back to back (the repeat's order, rotated by one "
            + "per cell), so that a busier or quieter stretch of the machine falls on every mode of a cell alike; *by mode* "
            + "(earlier runs) ran all of one mode's cells before the next mode's. Each case runs on a server started for "
            + "it, after a discarded warm-up case, so no case inherits another's memory or thread pool.");
        md.AppendLine("- **Verdicts.** " + Verdict.Rule);
        md.AppendLine("- **Latency**: p50, p99 and p99.9 only. The mean says nothing new in a closed loop: by Little's law it is "
            + "connections × in-flight / throughput.");
        md.AppendLine("- **Per-echo costs** divide what the server spent during the measured seconds by the echoes completed in "
            + "them: CPU (user and system), context switches, thread-pool work items, allocated bytes, TLS steps and the bytes "
            + "each step took.");
        md.AppendLine();

        md.AppendLine("## Runs").AppendLine();
        var table = new MarkdownTable(["Suite", "When (UTC)", "Commit", "Repeats", "Measured per case", "Warm-up per case", "Warm-up case per server", "Seed", "Order"],
            labelColumns: 3);
        foreach (var run in runs)
        {
            var s = run.Settings;
            table.AddRow(
                [run.Suite,
                 run.Started.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                 $"`{run.Environment.GitSha}`",
                 ReportFormat.Count(s.Repeats),
                 ReportFormat.Seconds(s.CaseSeconds),
                 ReportFormat.Seconds(s.WarmupSeconds),
                 ReportFormat.Seconds(s.WarmupCaseSeconds),
                 s.Seed.ToString(CultureInfo.InvariantCulture),
                 s.Order == Schedule.ByCell ? "by cell" : "by mode"]);
        }
        table.AppendTo(md);

        md.AppendLine("Commands (add `--seed N` to repeat a run's mode orders):").AppendLine();
        md.AppendLine("```sh");
        foreach (var command in runs.Select(r => r.Command).Distinct()) md.AppendLine(command);
        md.AppendLine("```").AppendLine();

        foreach (var (label, values) in new[]
                 {
                     ("Machine", runs.Select(r => Machine(r.Environment.Machine))),
                     ("OpenSSL (under .NET's SslStream)", runs.Select(r => r.Environment.OpenSsl)),
                     ("Load generator of the echo cases", runs.Where(r => r.Results.Count > 0).Select(r => $"{r.Suite}: {LoadClients.Describe(r.Settings.Client)}")),
                     ("Go", runs.Select(r => r.Environment.GoVersion ?? ReportFormat.Missing)),
                     ("Certificate, the same for every wss:// server", runs.Select(r => r.Environment.Certificate)),
                 })
            md.AppendLine($"- {label}: {string.Join("; ", values.Distinct())}");
        var tls = runs.SelectMany(r => r.Results.Select(c => (c.Mode, c.Tls)).Concat(r.IdleMemory.Select(i => (i.Mode, i.Tls))))
            .Where(t => t.Tls is not null).Distinct()
            .GroupBy(t => t.Tls!, t => t.Mode)
            .Select(g => $"{g.Key} ({string.Join(", ", g.Distinct().Order(StringComparer.Ordinal))})");
        md.AppendLine($"- Negotiated (seen by the load generator): {string.Join("; ", tls.DefaultIfEmpty(ReportFormat.Missing))}");
        md.AppendLine();

        md.AppendLine("<details><summary>Mode order of every repeat</summary>").AppendLine();
        foreach (var run in runs)
            foreach (var order in run.Settings.Orders)
                md.AppendLine($"- {run.Suite}, repeat {order.Repeat}: {string.Join(", ", order.Modes)}");
        md.AppendLine().AppendLine("</details>").AppendLine();
    }

    public static void AppendModes(StringBuilder md, IReadOnlyList<BenchmarkRun> runs)
    {
        md.AppendLine("## Modes").AppendLine();
        var table = new MarkdownTable(["Mode", "Description", "Overrides"], labelColumns: 3);
        foreach (var mode in runs.SelectMany(r => r.Modes).DistinctBy(m => m.Name))
            table.AddRow([mode.Name, mode.Description, mode.Overrides.Count == 0 ? ReportFormat.Missing : string.Join(", ", mode.Overrides.Select(o => $"`{o}`"))]);
        table.AppendTo(md);
    }

    private static string Machine(MachineInfo m) => $"{m.Cpu}, {m.Cores} cores, {m.Os}, {m.Runtime}, GC: {m.Gc}";
}
