using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>The repeats that saw errors (mismatched echoes, protocol or socket errors, a server that did not start), or a line saying there were none.</summary>
internal static class ErrorsTable
{
    public static void Append(StringBuilder md, BenchmarkRun run)
    {
        var failed = run.Results.Where(r => r.Errors > 0)
            .Select(r => (r.Mode, Case: $"{ReportFormat.Case(r.Connections, r.MessageSize)}, {r.InFlight} in flight, {r.ServerCpus} server CPUs", r.Repeat, r.Errors, r.FirstError))
            .Concat(run.IdleMemory.Where(r => r.Errors > 0).Select(r => (r.Mode, Case: $"{ReportFormat.Count(r.Connections)} idle connections", r.Repeat, r.Errors, r.FirstError)))
            .Concat(run.Fanout.Where(r => r.Errors > 0).Select(r => (r.Mode, Case: $"fan-out to {ReportFormat.Count(r.Subscribers)}", r.Repeat, r.Errors, r.FirstError)))
            .ToArray();
        long verified = run.Results.Sum(r => r.Echoes);
        md.AppendLine("#### Errors").AppendLine();
        if (failed.Length == 0)
        {
            md.AppendLine(verified > 0
                ? $"{ReportFormat.Count(verified)} echoes, each verified byte for byte; none failed."
                : "None.").AppendLine();
            return;
        }
        md.AppendLine($"{ReportFormat.Count(verified)} echoes verified byte for byte. These repeats failed (a failed repeat has no figures above):").AppendLine();
        // Left-aligned throughout: the last column is text.
        var table = new MarkdownTable(["Mode", "Case", "Repeat", "Errors", "First error"], labelColumns: 5);
        foreach (var f in failed)
            table.AddRow([f.Mode, f.Case, ReportFormat.Count(f.Repeat), ReportFormat.Count(f.Errors), f.FirstError ?? ReportFormat.Missing]);
        table.AppendTo(md);
    }
}
