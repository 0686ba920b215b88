namespace ActorWss.Bench.Model;

/// <summary>
/// A figure the report shows per case, read from one repeat's result: throughput, a latency percentile, or a
/// per-echo cost. Medians and spreads over the repeats are taken of these.
/// </summary>
/// <param name="Name">Column header.</param>
/// <param name="Read">The value of one repeat; null when it was not measured.</param>
/// <param name="Format">How a value is written (see Report.ReportFormat).</param>
public sealed record CaseMetric(string Name, Func<CaseResult, double?> Read, MetricFormat Format);

public enum MetricFormat
{
    Rate,
    Latency,
    Micro,
    Ratio,
    Bytes,
    MiB,
    Percent,
}

/// <summary>Every metric of a case, and the per-echo arithmetic behind the cost columns.</summary>
public static class CaseMetrics
{
    public static readonly CaseMetric Throughput = new("msg/s", r => r.MessagesPerSecond, MetricFormat.Rate);
    public static readonly CaseMetric P50 = new("p50", r => r.Latency.P50Us, MetricFormat.Latency);
    public static readonly CaseMetric P99 = new("p99", r => r.Latency.P99Us, MetricFormat.Latency);
    public static readonly CaseMetric P999 = new("p99.9", r => r.Latency.P999Us, MetricFormat.Latency);

    public static readonly CaseMetric CpuUserUs = new("user µs/echo", r => Micro(r.Server?.UserCpuSeconds, EchoesOf(r)), MetricFormat.Micro);
    public static readonly CaseMetric CpuSystemUs = new("sys µs/echo", r => Micro(r.Server?.SystemCpuSeconds, EchoesOf(r)), MetricFormat.Micro);
    public static readonly CaseMetric CpuUs = new("CPU µs/echo", r => Micro(r.Server?.CpuSeconds, EchoesOf(r)), MetricFormat.Micro);
    public static readonly CaseMetric ContextSwitches = new("ctx sw/echo", r => ResultMath.PerEcho(r.Server?.ContextSwitches, EchoesOf(r)), MetricFormat.Ratio);
    public static readonly CaseMetric WorkItems = new("work items/echo", r => ResultMath.PerEcho(r.Server?.ThreadPoolWorkItems, EchoesOf(r)), MetricFormat.Ratio);
    public static readonly CaseMetric Allocated = new("alloc B/echo", r => ResultMath.PerEcho(r.Server?.AllocatedBytes, EchoesOf(r)), MetricFormat.Bytes);
    public static readonly CaseMetric TlsSteps = new("TLS steps/echo", r => ResultMath.PerEcho(r.Server?.TlsSteps, EchoesOf(r)), MetricFormat.Ratio);
    public static readonly CaseMetric DecryptBytesPerStep = new("B/decrypt step", r => PerStep(r.Server?.TlsDecryptBytes, r.Server?.TlsDecryptSteps), MetricFormat.Bytes);
    public static readonly CaseMetric EncryptBytesPerStep = new("B/encrypt step", r => PerStep(r.Server?.TlsEncryptBytes, r.Server?.TlsEncryptSteps), MetricFormat.Bytes);
    public static readonly CaseMetric PeakRss = new("peak RSS", r => r.Server?.PeakRssBytes / (1024.0 * 1024.0), MetricFormat.MiB);
    public static readonly CaseMetric ClientCpu = new("client CPU", r => r.Seconds > 0 ? r.ClientCpuSeconds / r.Seconds * 100 : null, MetricFormat.Percent);
    public static readonly CaseMetric ServerCpu = new("server CPU", r => r.Server is { } s && r.Seconds > 0 ? s.CpuSeconds / r.Seconds * 100 : null, MetricFormat.Percent);

    /// <summary>Seconds per echo in microseconds.</summary>
    public static double? Micro(double? seconds, double echoes) => ResultMath.PerEcho(seconds * 1_000_000, echoes);

    /// <summary>The echoes the server's costs are divided by: those between its two readings, when known.</summary>
    public static double EchoesOf(CaseResult r) => r.Server?.WindowEchoes ?? r.Echoes;

    public static double? PerStep(long? bytes, long? steps) => bytes is { } b && steps is > 0 ? (double)b / steps.Value : null;
}
