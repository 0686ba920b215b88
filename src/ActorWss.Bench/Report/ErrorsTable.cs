using System.Text;

namespace ActorWss.Bench.Report;

/// <summary>The cases that saw mismatched echoes or protocol/socket errors, or a line saying there were none.</summary>
internal static class ErrorsTable
{
    public static void Append(StringBuilder md, ResultLookup results, bool pinned)
    {
        md.AppendLine("### Errors").AppendLine();
        var failed = results.InPinning(pinned).Where(r => r.Errors > 0).ToArray();
        if (failed.Length == 0)
        {
            md.AppendLine("Every echo was verified byte for byte; none failed.").AppendLine();
            return;
        }

        // Left-aligned throughout: the last column is text.
        var table = new MarkdownTable(["Mode", "Case", "Errors", "First error"], labelColumns: 4);
        foreach (var result in failed)
        {
            table.AddRow(
                [result.Mode,
                 ReportFormat.Case(result.Connections, result.MessageSize),
                 ReportFormat.Count(result.Errors),
                 result.FirstError ?? ReportFormat.Missing]);
        }
        table.AppendTo(md);
    }
}
