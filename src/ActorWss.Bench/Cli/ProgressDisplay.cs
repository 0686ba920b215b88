using System.Globalization;
using ActorWss.Bench.Load;
using ActorWss.Bench.Model;
using Spectre.Console;

namespace ActorWss.Bench.Cli;

/// <summary>Live progress of a case (a spinner with msg/s in a terminal, a line per second when redirected) and its summary.</summary>
public static class ProgressDisplay
{
    public static async Task<LoadResult> RunAsync(IAnsiConsole console, string title, Func<Action<LoadProgress>, Task<LoadResult>> run)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            var lastLine = TimeSpan.Zero;
            long lastEchoes = 0;
            return await run(p =>
            {
                if (p.Elapsed - lastLine < TimeSpan.FromSeconds(1)) return;
                console.WriteLine(Describe(title, p, (p.Echoes - lastEchoes) / (p.Elapsed - lastLine).TotalSeconds));
                (lastLine, lastEchoes) = (p.Elapsed, p.Phase == "connecting" ? 0 : p.Echoes);
            });
        }
        LoadResult? result = null;
        await console.Status().StartAsync(title, async context =>
        {
            var last = (Elapsed: TimeSpan.Zero, Echoes: 0L);
            result = await run(p =>
            {
                double rate = p.Elapsed > last.Elapsed ? (p.Echoes - last.Echoes) / (p.Elapsed - last.Elapsed).TotalSeconds : 0;
                context.Status(Markup.Escape(Describe(title, p, rate)));
                last = (p.Elapsed, p.Phase == "connecting" ? 0 : p.Echoes);
            });
        });
        return result!;
    }

    private static string Describe(string title, LoadProgress p, double rate) => p.Phase == "connecting"
        ? $"{title}: connecting {p.Echoes}"
        : string.Create(CultureInfo.InvariantCulture, $"{title}: {p.Phase} {p.Elapsed.TotalSeconds:F0}s  {rate:N0} msg/s  errors {p.Errors}");

    public static void Summarize(IAnsiConsole console, CaseResult r)
    {
        string Percent(double? cpuSeconds) => cpuSeconds is { } cpu ? (cpu / r.Seconds * 100).ToString("F0", CultureInfo.InvariantCulture) + "% of a core" : "—";
        string PerEcho(CaseMetric metric) => metric.Read(r) is { } v ? v.ToString("N2", CultureInfo.InvariantCulture) : "—";
        var table = new Table().HideHeaders().AddColumns("", "");
        table.AddRow("case", $"{r.Mode}, {r.Connections} connections, {r.MessageSize} B, {r.InFlight} in flight, {r.Seconds:F1} s");
        table.AddRow("throughput", $"{r.MessagesPerSecond.ToString("N0", CultureInfo.InvariantCulture)} msg/s, {r.MiBPerSecond.ToString("F2", CultureInfo.InvariantCulture)} MiB/s (both directions)");
        table.AddRow("latency", $"p50 {Micro(r.Latency.P50Us)}, p90 {Micro(r.Latency.P90Us)}, p99 {Micro(r.Latency.P99Us)}, p99.9 {Micro(r.Latency.P999Us)}, max {Micro(r.Latency.MaxUs)}");
        table.AddRow("echoes", $"{r.Echoes.ToString("N0", CultureInfo.InvariantCulture)} verified, {r.Errors} errors");
        table.AddRow("client CPU", Percent(r.ClientCpuSeconds) + (r.ClientCpuList is { } c ? $" (CPUs {c})" : ""));
        if (r.Server is { } s)
        {
            table.AddRow("server CPU", Percent(s.CpuSeconds) + $", {PerEcho(CaseMetrics.CpuUserUs)} user + {PerEcho(CaseMetrics.CpuSystemUs)} system µs per echo"
                + (s.PeakRssBytes is { } rss ? $", peak RSS {rss / 1048576.0:F0} MiB" : ""));
            table.AddRow("per echo", $"{PerEcho(CaseMetrics.ContextSwitches)} context switches, {PerEcho(CaseMetrics.WorkItems)} work items, " +
                $"{PerEcho(CaseMetrics.Allocated)} B allocated, {PerEcho(CaseMetrics.TlsSteps)} TLS steps " +
                $"({PerEcho(CaseMetrics.DecryptBytesPerStep)} B/decrypt, {PerEcho(CaseMetrics.EncryptBytesPerStep)} B/encrypt)");
        }
        if (r.Tls is { } tls) table.AddRow("TLS", tls);
        console.Write(table);
        if (r.FirstError is { } error) console.MarkupLine($"[red]first error:[/] {Markup.Escape(error)}");
    }

    private static string Micro(double us) => us < 1000
        ? us.ToString("F0", CultureInfo.InvariantCulture) + " µs"
        : (us / 1000).ToString("F2", CultureInfo.InvariantCulture) + " ms";
}
