using ActorWss.Bench.Model;

namespace ActorWss.Bench.Load;

/// <summary>A reading of the server at one edge of a measured window.</summary>
public sealed record ServerReading(ProcSample? Proc, PrometheusSamples Metrics);

/// <summary>
/// Reads what a server spent: its /proc (any process on this machine) and, when it has one, its <c>/metrics</c>
/// page (ActorWss; the bench's Kestrel and Go peers serve the same runtime counters). Read at both edges of the
/// measured window; <see cref="Costs"/> is the difference.
/// </summary>
public sealed class ServerProbe(int pid, Uri? metricsUrl)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<ServerReading> ReadAsync()
    {
        var metrics = await ScrapeAsync();
        return new ServerReading(ProcStats.Sample(pid), metrics);
    }

    /// <summary>Resets the server's peak RSS, so that the window's end reads this window's peak.</summary>
    public bool ResetPeakRss() => ProcStats.ResetPeakRss(pid);

    private async Task<PrometheusSamples> ScrapeAsync()
    {
        if (metricsUrl is null) return PrometheusSamples.Empty;
        try { return PrometheusSamples.Parse(await Http.GetStringAsync(metricsUrl)); }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return PrometheusSamples.Empty; }
    }

    /// <summary>What the server spent between two readings; null without /proc readings at both ends.</summary>
    /// <param name="windowEchoes">Echoes completed between the readings (see <see cref="ServerCosts.WindowEchoes"/>).</param>
    public static ServerCosts? Costs(ServerReading start, ServerReading end, bool peakReset, double? windowEchoes = null)
    {
        if (start.Proc is not { } before || end.Proc is not { } after) return null;
        var (voluntary, involuntary) = ProcStats.ContextSwitchesBetween(before, after);
        long? Delta(string name, string? label = null) =>
            end.Metrics.Sum(name, label) is { } b && start.Metrics.Sum(name, label) is { } a ? (long)Math.Round(b - a) : null;
        return new ServerCosts(
            after.UserSeconds - before.UserSeconds,
            after.SystemSeconds - before.SystemSeconds,
            voluntary,
            involuntary,
            after.PeakRssBytes,
            peakReset,
            Delta(MetricNames.AllocatedBytes) ?? Delta(MetricNames.GoAllocatedBytes),
            Delta(MetricNames.ThreadPoolWorkItems),
            Delta(MetricNames.GcCollections, "gen0"),
            Delta(MetricNames.GcCollections, "gen2"),
            Delta(MetricNames.TlsSteps),
            Delta(MetricNames.TlsSteps, "where=\"offloaded\""),
            Delta(MetricNames.TlsStepBytesCount, "kind=\"decrypt\""),
            Delta(MetricNames.TlsStepBytesSum, "kind=\"decrypt\""),
            Delta(MetricNames.TlsStepBytesCount, "kind=\"encrypt\""),
            Delta(MetricNames.TlsStepBytesSum, "kind=\"encrypt\""),
            windowEchoes);
    }
}

/// <summary>The series the bench reads from a server's /metrics.</summary>
public static class MetricNames
{
    public const string AllocatedBytes = "dotnet_gc_heap_total_allocated_bytes_total";
    public const string GoAllocatedBytes = "go_memstats_alloc_bytes_total";
    public const string ThreadPoolWorkItems = "dotnet_thread_pool_work_item_count_total";
    public const string GcCollections = "dotnet_gc_collections_total";
    public const string TlsSteps = "actorwss_tls_steps_total";
    public const string TlsStepBytesSum = "actorwss_tls_step_bytes_sum";
    public const string TlsStepBytesCount = "actorwss_tls_step_bytes_count";
}
