using System.Globalization;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Matrix;

/// <summary>One line of progress per measured step.</summary>
public static class StepLines
{
    public static string Echo(CaseResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Connections,4}c {Size(r.MessageSize),7} k{r.InFlight,-2} cpus {r.ServerCpus}  {r.MessagesPerSecond,9:N0} msg/s  " +
        $"p50 {r.Latency.P50Us,7:N0} µs  p99 {r.Latency.P99Us,8:N0} µs  server {Cpu(r)}  errors {r.Errors}") + Error(r.FirstError);

    public static string Idle(IdleMemoryResult r) => string.Create(CultureInfo.InvariantCulture,
        $"idle {r.Connections,6:N0} connections  {r.BaselineRssBytes / 1048576.0,6:N0} → {r.LoadedRssBytes / 1048576.0,6:N0} MiB  " +
        $"{r.KiBPerConnection,6:N1} KiB/connection  errors {r.Errors}") + Error(r.FirstError);

    public static string Fanout(FanoutResult r) => string.Create(CultureInfo.InvariantCulture,
        $"fan-out {r.Subscribers,5} subscribers  {r.DeliveredPerSecond,10:N0} delivered/s  p50 {r.Latency.P50Us,8:N0} µs  " +
        $"p99 {r.Latency.P99Us,8:N0} µs  errors {r.Errors}") + Error(r.FirstError);

    private static string Cpu(CaseResult r) => CaseMetrics.CpuUs.Read(r) is { } us
        ? string.Create(CultureInfo.InvariantCulture, $"{us,6:N1} µs/echo")
        : "—";

    private static string Size(int bytes) => bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes / 1024}KiB" : $"{bytes}B";

    private static string Error(string? error) => error is null ? "" : "  first error: " + error.Split('\n')[0];
}
