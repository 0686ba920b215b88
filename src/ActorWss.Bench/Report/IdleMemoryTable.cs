using System.Text;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>Server memory per idle connection, per mode: median (min–max) over the repeats, each on a fresh server.</summary>
internal static class IdleMemoryTable
{
    public static void Append(StringBuilder md, IReadOnlyList<IdleMemoryResult> results, IReadOnlyList<string> modeOrder)
    {
        if (results.Count == 0) return;
        md.AppendLine("### Idle connections").AppendLine();
        md.AppendLine("Each repeat on a fresh server: a warm-up case, the server's RSS, then every connection opened (TCP, TLS, "
            + "upgrade) with one echo each and left idle, and the RSS again after settling. KiB per connection = RSS growth / "
            + "connections: what holding a connection costs (buffers, actors or goroutines, TLS sessions).").AppendLine();
        var table = new MarkdownTable(["Mode", "Connections", "KiB per connection", "RSS before (MiB)", "RSS with them (MiB)", "Connect time (s)", "TLS"],
            labelColumns: 1);
        foreach (var group in results.GroupBy(r => (r.Mode, r.Connections)).OrderBy(g => Order(modeOrder, g.Key.Mode)).ThenBy(g => g.Key.Connections))
        {
            var measured = group.Where(r => r.LoadedRssBytes > 0).ToArray();
            if (measured.Length == 0) continue;
            table.AddRow(
                [group.Key.Mode,
                 ReportFormat.Count(group.Key.Connections),
                 ReportFormat.Spread(Spread.Of(measured.Select(r => (double?)r.KiBPerConnection)), MetricFormat.Micro),
                 ReportFormat.Median(Spread.Of(measured.Select(r => (double?)(r.BaselineRssBytes / 1048576.0))), MetricFormat.MiB),
                 ReportFormat.Median(Spread.Of(measured.Select(r => (double?)(r.LoadedRssBytes / 1048576.0))), MetricFormat.MiB),
                 ReportFormat.Median(Spread.Of(measured.Select(r => (double?)r.ConnectSeconds)), MetricFormat.Micro),
                 measured.Select(r => r.Tls).FirstOrDefault(t => t is not null) ?? ReportFormat.Missing]);
        }
        table.AppendTo(md);
    }

    private static int Order(IReadOnlyList<string> modes, string mode)
    {
        int index = modes.ToList().IndexOf(mode);
        return index < 0 ? int.MaxValue : index;
    }
}
