using System.Globalization;
using System.Text;

namespace ActorWss.Metrics;

/// <summary>
/// Renders <see cref="ServerMetrics"/> in the Prometheus text exposition format (version 0.0.4): HELP and TYPE
/// lines, one sample per listener and label set, counters suffixed <c>_total</c>, the TLS handshake time as a
/// histogram in seconds.
/// </summary>
internal static class PrometheusText
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Render(ServerMetrics metrics)
    {
        var text = new StringBuilder(4096);
        var listeners = metrics.Listeners.OrderBy(l => l.Listener, StringComparer.Ordinal).ToList();

        Family(text, "actorwss_connections_open", "gauge", "Open connections.", listeners, m => m.ConnectionsOpen);
        Family(text, "actorwss_connections_total", "counter", "Connections accepted.", listeners, m => m.ConnectionsTotal);
        Tagged(text, "actorwss_connections_refused_total", "Connections answered 503 without being served.", listeners, "reason", m => m.Refused);
        Tagged(text, "actorwss_handshakes_total", "Outcomes of the HTTP phase: upgraded, http (health, metrics, page), or why it was refused.", listeners, "reason", m => m.Handshakes);
        Family(text, "actorwss_messages_received_total", "counter", "WebSocket messages received.", listeners, m => m.MessagesReceived);
        Family(text, "actorwss_messages_sent_total", "counter", "WebSocket messages sent.", listeners, m => m.MessagesSent);
        Family(text, "actorwss_bytes_received_total", "counter", "WebSocket payload bytes received.", listeners, m => m.BytesReceived);
        Family(text, "actorwss_bytes_sent_total", "counter", "WebSocket payload bytes sent.", listeners, m => m.BytesSent);
        Tagged(text, "actorwss_close_codes_sent_total", "Close frames sent, by status code.", listeners, "code", m => m.CloseCodesSent);
        Tagged(text, "actorwss_close_codes_received_total", "Close frames received, by status code (1005: none given, 1006: no Close frame; 3000-4999 grouped, others invalid).", listeners, "code", m => m.CloseCodesReceived);
        Tagged(text, "actorwss_tls_handshakes_total", "TLS handshakes: ok, or why they failed.", listeners, "result", m => m.TlsHandshakes);
        Family(text, "actorwss_tls_session_errors_total", "counter", "Established TLS sessions that broke (bad record, truncation, reset).", listeners, m => m.TlsSessionErrors);
        Family(text, "actorwss_tls_offload_queue_depth", "gauge", "TLS steps queued for the offload dispatcher.", listeners, m => m.OffloadQueueDepth);
        text.Append("# HELP actorwss_tls_steps_total TLS record steps (decrypt, encrypt), by where they ran.\n# TYPE actorwss_tls_steps_total counter\n");
        foreach (var m in listeners)
        {
            Sample(text, "actorwss_tls_steps_total", $"listener=\"{m.Listener}\",where=\"inline\"", m.InlineTlsSteps);
            Sample(text, "actorwss_tls_steps_total", $"listener=\"{m.Listener}\",where=\"offloaded\"", m.OffloadedTlsSteps);
        }
        text.Append("# HELP actorwss_tls_handshake_duration_seconds Time from accepting a TLS connection to its handshake's end.\n");
        text.Append("# TYPE actorwss_tls_handshake_duration_seconds histogram\n");
        foreach (var m in listeners)
        {
            var histogram = m.TlsHandshakeDuration;
            foreach (var (bound, count) in histogram.Cumulative())
                Sample(text, "actorwss_tls_handshake_duration_seconds_bucket", $"listener=\"{m.Listener}\",le=\"{bound}\"", count);
            Sample(text, "actorwss_tls_handshake_duration_seconds_sum", $"listener=\"{m.Listener}\"", histogram.SumSeconds);
            Sample(text, "actorwss_tls_handshake_duration_seconds_count", $"listener=\"{m.Listener}\"", histogram.Count);
        }

        var (cpu, rss, started) = ServerMetrics.Process();
        text.Append("# HELP process_cpu_seconds_total User and system CPU time of the server process.\n# TYPE process_cpu_seconds_total counter\n");
        Sample(text, "process_cpu_seconds_total", null, cpu);
        text.Append("# HELP process_resident_memory_bytes Resident memory of the server process.\n# TYPE process_resident_memory_bytes gauge\n");
        Sample(text, "process_resident_memory_bytes", null, rss);
        text.Append("# HELP process_start_time_seconds Start time of the server process, Unix seconds.\n# TYPE process_start_time_seconds gauge\n");
        Sample(text, "process_start_time_seconds", null, started.ToUnixTimeMilliseconds() / 1000.0);
        return text.ToString();
    }

    private static void Family(StringBuilder text, string name, string type, string help, IEnumerable<ListenerMetrics> listeners,
        Func<ListenerMetrics, long> read)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var m in listeners) Sample(text, name, $"listener=\"{m.Listener}\"", read(m));
    }

    private static void Tagged(StringBuilder text, string name, string help, IEnumerable<ListenerMetrics> listeners, string label,
        Func<ListenerMetrics, TaggedCounters> counters)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var m in listeners)
            foreach (var (value, count) in counters(m).Snapshot())
                Sample(text, name, $"listener=\"{m.Listener}\",{label}=\"{Escape(value)}\"", count);
    }

    private static void Sample(StringBuilder text, string name, string? labels, double value)
    {
        text.Append(name);
        if (labels is not null) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
