using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>Echo at 100 connections, varying the message size: throughput, transfer rate and latency per mode.</summary>
internal static class MessageSizeTables
{
    public static void Append(StringBuilder md, ResultLookup results, bool pinned)
    {
        var sizes = results.MessageSizes(pinned);
        if (sizes.Count == 0)
            return;

        var comparisons = ModeComparison.Among(results.Modes);
        const int connections = ResultLookup.SweepConnections;
        CaseResult? Find(string mode, int size) => results.Find(mode, pinned, connections, size);

        md.AppendLine($"### Echo — Varying Message Size ({connections} connections)").AppendLine();
        AppendTable(md, results.Modes, sizes, comparisons, "Δ Throughput",
            (mode, size) => Find(mode, size)?.MessagesPerSecond, ReportFormat.Rate);

        md.AppendLine($"### Transfer Rate ({connections} connections)").AppendLine();
        md.AppendLine("MiB/s, counting both directions: every echo carries the message in and out.").AppendLine();
        AppendTable(md, results.Modes, sizes, comparisons, "Δ",
            (mode, size) => Find(mode, size)?.MiBPerSecond, ReportFormat.TransferRate);

        md.AppendLine($"### Latency ({connections} connections, varying message size)").AppendLine();
        md.AppendLine("Each cell: mean / p50 / p99 round-trip latency; Δ compares the means.").AppendLine();
        var latency = new MarkdownTable(
            ["Message Size", .. results.Modes, .. comparisons.Select(c => $"Δ Latency {c.Label}")]);
        foreach (var size in sizes)
        {
            latency.AddRow(
                [ReportFormat.Size(size),
                 .. results.Modes.Select(mode => Find(mode, size) is { } result ? Percentiles(result.Latency) : ReportFormat.Missing),
                 .. comparisons.Select(c => c.Delta(mode => Find(mode, size)?.Latency.MeanUs))]);
        }
        latency.AppendTo(md);
    }

    private static void AppendTable(
        StringBuilder md, IReadOnlyList<string> modes, IReadOnlyList<int> sizes, IReadOnlyList<ModeComparison> comparisons,
        string deltaHeader, Func<string, int, double?> metric, Func<double, string> format)
    {
        var table = new MarkdownTable(["Message Size", .. modes, .. comparisons.Select(c => $"{deltaHeader} {c.Label}")]);
        foreach (var size in sizes)
        {
            table.AddRow(
                [ReportFormat.Size(size),
                 .. modes.Select(mode => ReportFormat.OrMissing(metric(mode, size), format)),
                 .. comparisons.Select(c => c.Delta(mode => metric(mode, size)))]);
        }
        table.AppendTo(md);
    }

    private static string Percentiles(LatencySummary latency) =>
        $"{ReportFormat.Latency(latency.MeanUs)} / {ReportFormat.Latency(latency.P50Us)} / {ReportFormat.Latency(latency.P99Us)}";
}
