using ActorWss.Metrics;
using ActorWss.Tls;

namespace ActorWss.Tests.Bench;

/// <summary>What the benchmark reads from /metrics: bytes per TLS step, and the runtime's cumulative counters.</summary>
public class TlsStepMetricsTests
{
    [Fact]
    public void Step_bytes_are_a_cumulative_histogram_per_direction()
    {
        using var metrics = new ServerMetrics(["wss"]);
        metrics["wss"].OnStep(TlsStepKind.Decrypt, 100, offloaded: false);
        metrics["wss"].OnStep(TlsStepKind.Decrypt, 5_000, offloaded: true);
        metrics["wss"].OnStep(TlsStepKind.Encrypt, 64, offloaded: false);
        metrics["wss"].OnStep(TlsStepKind.Shutdown, 0, offloaded: false);

        var text = PrometheusText.Render(metrics);

        Assert.Contains("# TYPE actorwss_tls_step_bytes histogram\n", text);
        Assert.Contains("actorwss_tls_step_bytes_bucket{listener=\"wss\",kind=\"decrypt\",le=\"64\"} 0\n", text);
        Assert.Contains("actorwss_tls_step_bytes_bucket{listener=\"wss\",kind=\"decrypt\",le=\"256\"} 1\n", text);
        Assert.Contains("actorwss_tls_step_bytes_bucket{listener=\"wss\",kind=\"decrypt\",le=\"16384\"} 2\n", text);
        Assert.Contains("actorwss_tls_step_bytes_bucket{listener=\"wss\",kind=\"decrypt\",le=\"+Inf\"} 2\n", text);
        Assert.Contains("actorwss_tls_step_bytes_sum{listener=\"wss\",kind=\"decrypt\"} 5100\n", text);
        Assert.Contains("actorwss_tls_step_bytes_count{listener=\"wss\",kind=\"decrypt\"} 2\n", text);
        Assert.Contains("actorwss_tls_step_bytes_bucket{listener=\"wss\",kind=\"encrypt\",le=\"64\"} 1\n", text);
        // close_notify carries no plaintext: counted as a step, not as an encrypt batch.
        Assert.Contains("actorwss_tls_step_bytes_count{listener=\"wss\",kind=\"encrypt\"} 1\n", text);
        Assert.Contains("actorwss_tls_steps_total{listener=\"wss\",where=\"inline\"} 3\n", text);
    }

    [Fact]
    public void Runtime_counters_are_exposed_as_cumulative_totals()
    {
        using var metrics = new ServerMetrics(["ws"]);
        var text = PrometheusText.Render(metrics);

        Assert.Contains("# TYPE dotnet_gc_heap_total_allocated_bytes_total counter\n", text);
        Assert.Contains("# TYPE dotnet_thread_pool_work_item_count_total counter\n", text);
        Assert.Contains("dotnet_gc_collections_total{gc_heap_generation=\"gen0\"} ", text);
        Assert.Contains("dotnet_thread_pool_thread_count ", text);
    }
}
