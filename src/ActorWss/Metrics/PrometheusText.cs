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
        Family(text, "actorwss_compressed_messages_received_total", "counter", "Messages received compressed (permessage-deflate).", listeners, m => m.CompressedMessagesReceived);
        Family(text, "actorwss_compressed_messages_sent_total", "counter", "Messages sent compressed (permessage-deflate).", listeners, m => m.CompressedMessagesSent);
        Family(text, "actorwss_compressed_bytes_received_total", "counter", "Compressed bytes of the messages received compressed.", listeners, m => m.CompressedBytesReceived);
        Family(text, "actorwss_compressed_bytes_sent_total", "counter", "Compressed bytes of the messages sent compressed.", listeners, m => m.CompressedBytesSent);
        Family(text, "actorwss_compressed_payload_bytes_received_total", "counter", "Payload bytes (inflated) of the messages received compressed.", listeners, m => m.CompressedPayloadBytesReceived);
        Family(text, "actorwss_compressed_payload_bytes_sent_total", "counter", "Payload bytes of the messages sent compressed.", listeners, m => m.CompressedPayloadBytesSent);
        Tagged(text, "actorwss_close_codes_sent_total", "Close frames sent, by status code.", listeners, "code", m => m.CloseCodesSent);
        Tagged(text, "actorwss_close_codes_received_total", "Close frames received, by status code (1005: none given, 1006: no Close frame; 3000-4999 grouped, others invalid).", listeners, "code", m => m.CloseCodesReceived);
        Tagged(text, "actorwss_tls_handshakes_total", "TLS handshakes: ok, or why they failed.", listeners, "result", m => m.TlsHandshakes);
        Tagged(text, "actorwss_tls_peer_closes_total", "How peers ended established TLS sessions: close_notify, or truncated (TCP closed without it).", listeners, "how", m => m.TlsPeerCloses);
        Family(text, "actorwss_tls_session_errors_total", "counter", "Established TLS sessions that broke (bad record, truncation, reset).", listeners, m => m.TlsSessionErrors);
        text.Append("# HELP actorwss_tls_certificate_expiry_seconds When each certificate served expires (its notAfter), Unix seconds.\n");
        text.Append("# TYPE actorwss_tls_certificate_expiry_seconds gauge\n");
        foreach (var m in listeners)
            foreach (var certificate in m.TlsCertificates)
                Sample(text, "actorwss_tls_certificate_expiry_seconds", $"listener=\"{m.Listener}\",subject=\"{Escape(certificate.Subject)}\"",
                    certificate.NotAfter.ToUnixTimeSeconds());
        Tagged(text, "actorwss_tls_certificate_reloads_total", "Certificate files that changed: ok (now served), or failed (the previous certificate stays).", listeners, "result", m => m.TlsCertificateReloads);
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

        text.Append("# HELP actorwss_tls_step_bytes Input bytes per TLS step (ciphertext per decrypt step, plaintext per encrypt step): how much each step batched.\n");
        text.Append("# TYPE actorwss_tls_step_bytes histogram\n");
        foreach (var m in listeners)
        {
            StepBytes(text, m.Listener, "decrypt", m.TlsDecryptStepBytes);
            StepBytes(text, m.Listener, "encrypt", m.TlsEncryptStepBytes);
        }

        Paired(text, "actorwss_auth_rejections_total", "Clients a route's authenticator refused, by reason.", listeners, "route", "reason", m => m.AuthenticationRejections);
        Paired(text, "actorwss_outbound_dropped_total", "Messages sent to a connection that did not reach its client: dropped by the route's overflow policy, lost to an overflow close, or sent while it was closing.", listeners, "route", "reason", m => m.OutboundDropped);
        Paired(text, "actorwss_outbound_overflow_closes_total", "Connections closed because their outbound queue overflowed, by close code.", listeners, "route", "code", m => m.OverflowCloses);
        if (metrics.Hub is { } hub)
        {
            Single(text, "actorwss_hub_connections", "gauge", "Connections registered with the hub (open WebSocket connections of this node).", hub.Connections.Count);
            Single(text, "actorwss_hub_sends_to_missing_total", "counter", "Sends by connection id or user that found no open connection.", hub.SentToMissing);
            Single(text, "actorwss_sends_to_closed_total", "counter", "Messages told to a connection after it had ended (dropped).", hub.SentToClosed);
            Single(text, "actorwss_topics", "gauge", "Topics with at least one subscriber on this node.", hub.Topics.TopicCount);
            Single(text, "actorwss_topic_publishes_total", "counter", "Messages published to topics.", hub.Topics.Published);
            Single(text, "actorwss_topic_deliveries_total", "counter", "Topic messages handed to subscribers.", hub.Topics.Delivered);
        }

        var (cpu, rss, started) = ServerMetrics.Process();
        text.Append("# HELP process_cpu_seconds_total User and system CPU time of the server process.\n# TYPE process_cpu_seconds_total counter\n");
        Sample(text, "process_cpu_seconds_total", null, cpu);
        text.Append("# HELP process_resident_memory_bytes Resident memory of the server process.\n# TYPE process_resident_memory_bytes gauge\n");
        Sample(text, "process_resident_memory_bytes", null, rss);
        text.Append("# HELP process_start_time_seconds Start time of the server process, Unix seconds.\n# TYPE process_start_time_seconds gauge\n");
        Sample(text, "process_start_time_seconds", null, started.ToUnixTimeMilliseconds() / 1000.0);
        Runtime(text);
        return text.ToString();
    }

    private static void StepBytes(StringBuilder text, string listener, string kind, SizeHistogram histogram)
    {
        foreach (var (bound, count) in histogram.Cumulative())
            Sample(text, "actorwss_tls_step_bytes_bucket", $"listener=\"{listener}\",kind=\"{kind}\",le=\"{bound}\"", count);
        Sample(text, "actorwss_tls_step_bytes_sum", $"listener=\"{listener}\",kind=\"{kind}\"", histogram.Sum);
        Sample(text, "actorwss_tls_step_bytes_count", $"listener=\"{listener}\",kind=\"{kind}\"", histogram.Count);
    }

    /// <summary>
    /// The .NET runtime's own counters, cumulative, so that a reader can take the difference over any window
    /// (a benchmark divides it by the echoes in that window). Names follow the runtime's metrics (dotnet.*).
    /// </summary>
    private static void Runtime(StringBuilder text)
    {
        text.Append("# HELP dotnet_gc_heap_total_allocated_bytes_total Bytes allocated on the managed heap since the process started.\n");
        text.Append("# TYPE dotnet_gc_heap_total_allocated_bytes_total counter\n");
        Sample(text, "dotnet_gc_heap_total_allocated_bytes_total", null, GC.GetTotalAllocatedBytes(precise: false));
        text.Append("# HELP dotnet_gc_collections_total Garbage collections since the process started, by generation.\n");
        text.Append("# TYPE dotnet_gc_collections_total counter\n");
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
            Sample(text, "dotnet_gc_collections_total", $"gc_heap_generation=\"gen{generation}\"", GC.CollectionCount(generation));
        text.Append("# HELP dotnet_thread_pool_work_item_count_total Work items the .NET thread pool completed since the process started.\n");
        text.Append("# TYPE dotnet_thread_pool_work_item_count_total counter\n");
        Sample(text, "dotnet_thread_pool_work_item_count_total", null, ThreadPool.CompletedWorkItemCount);
        text.Append("# HELP dotnet_thread_pool_thread_count Threads of the .NET thread pool.\n");
        text.Append("# TYPE dotnet_thread_pool_thread_count gauge\n");
        Sample(text, "dotnet_thread_pool_thread_count", null, ThreadPool.ThreadCount);
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

    private static void Paired(StringBuilder text, string name, string help, IEnumerable<ListenerMetrics> listeners, string firstLabel,
        string secondLabel, Func<ListenerMetrics, PairCounters> counters)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" counter\n");
        foreach (var m in listeners)
            foreach (var (first, second, count) in counters(m).Snapshot())
                Sample(text, name, $"listener=\"{m.Listener}\",{firstLabel}=\"{Escape(first)}\",{secondLabel}=\"{Escape(second)}\"", count);
    }

    /// <summary>A family of one sample without labels (a figure of the whole server).</summary>
    private static void Single(StringBuilder text, string name, string type, string help, double value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        Sample(text, name, null, value);
    }

    private static void Sample(StringBuilder text, string name, string? labels, double value)
    {
        text.Append(name);
        if (labels is not null) text.Append('{').Append(labels).Append('}');
        text.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
