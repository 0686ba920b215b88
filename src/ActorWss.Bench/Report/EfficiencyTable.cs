using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>What each case cost: server CPU per message, CPU of both sides, and the server's peak memory.</summary>
internal static class EfficiencyTable
{
    public static void Append(StringBuilder md, ResultLookup results, bool pinned)
    {
        md.AppendLine("### Efficiency").AppendLine();
        md.AppendLine("Messages per server CPU-second measure what the server spent per echo, whichever side saturated first. "
            + "Client CPU is the load generator's, as a percentage of one core over the measured seconds.").AppendLine();

        var table = new MarkdownTable(
            ["Mode", "Connections", "Message Size", "msg/s", "msg / server CPU-s", "Server CPU-s",
             "Client CPU (% of one core)", "Server peak RSS (MiB)"]);
        foreach (var result in results.InPinning(pinned))
        {
            table.AddRow(
                [result.Mode,
                 ReportFormat.Count(result.Connections),
                 ReportFormat.Size(result.MessageSize),
                 ReportFormat.Count(result.MessagesPerSecond),
                 ReportFormat.OrMissing(result.MessagesPerServerCpuSecond, ReportFormat.Count),
                 ReportFormat.OrMissing(result.ServerCpuSeconds, ReportFormat.Fixed2),
                 ReportFormat.OrMissing(ClientCpuPercentOfOneCore(result), percent => $"{ReportFormat.Count(percent)}%"),
                 ReportFormat.OrMissing(result.ServerPeakRssBytes / (1024.0 * 1024.0), ReportFormat.Count)]);
        }
        table.AppendTo(md);
    }

    private static double? ClientCpuPercentOfOneCore(CaseResult result) =>
        result.Seconds > 0 ? result.ClientCpuSeconds / result.Seconds * 100 : null;
}
