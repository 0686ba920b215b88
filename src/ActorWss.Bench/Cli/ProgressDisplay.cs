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
        var table = new Table().HideHeaders().AddColumns("", "");
        table.AddRow("case", $"{r.Mode}, {r.Connections} connections, {r.MessageSize} B, {r.Seconds:F1} s");
        table.AddRow("throughput", $"{r.MessagesPerSecond.ToString("N0", CultureInfo.InvariantCulture)} msg/s, {r.MiBPerSecond.ToString("F2", CultureInfo.InvariantCulture)} MiB/s (both directions)");
        table.AddRow("latency", $"mean {Micro(r.Latency.MeanUs)}, p50 {Micro(r.Latency.P50Us)}, p90 {Micro(r.Latency.P90Us)}, p99 {Micro(r.Latency.P99Us)}, max {Micro(r.Latency.MaxUs)}");
        table.AddRow("echoes", $"{r.Echoes.ToString("N0", CultureInfo.InvariantCulture)} verified, {r.Errors} errors");
        table.AddRow("client CPU", Percent(r.ClientCpuSeconds) + (r.ClientCpus is { } c ? $" (CPUs {c})" : ""));
        table.AddRow("server CPU", Percent(r.ServerCpuSeconds)
            + (r.MessagesPerServerCpuSecond is { } perCpu ? $", {perCpu.ToString("N0", CultureInfo.InvariantCulture)} msg per server CPU-second" : "")
            + (r.ServerPeakRssBytes is { } rss ? $", peak RSS {rss / 1048576.0:F0} MiB" : ""));
        console.Write(table);
        if (r.FirstError is { } error) console.MarkupLine($"[red]first error:[/] {Markup.Escape(error)}");
    }

    private static string Micro(double us) => us < 1000
        ? us.ToString("F0", CultureInfo.InvariantCulture) + " µs"
        : (us / 1000).ToString("F2", CultureInfo.InvariantCulture) + " ms";
}
