using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ActorWss.Metrics;

/// <summary>
/// The metrics of one server: a <see cref="ListenerMetrics"/> per listener, published two ways from the same
/// counters: the <c>ActorWss</c> <see cref="Meter"/> (dotnet-counters, OpenTelemetry) and the Prometheus text of
/// <c>GET /metrics</c> (<see cref="PrometheusText"/>).
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "ActorWss";

    private readonly Dictionary<string, ListenerMetrics> _listeners;
    private readonly Meter _meter = new(MeterName);

    public ServerMetrics(IEnumerable<string> listeners, Connections.WebSocketHub? hub = null)
    {
        Hub = hub;
        _listeners = listeners.ToDictionary(name => name, name => new ListenerMetrics(name), StringComparer.Ordinal);
        Observe("actorwss.connections.open", "{connection}", "Open connections", m => m.ConnectionsOpen, upDown: true);
        Observe("actorwss.connections.total", "{connection}", "Connections accepted", m => m.ConnectionsTotal);
        Observe("actorwss.messages.received", "{message}", "WebSocket messages received", m => m.MessagesReceived);
        Observe("actorwss.messages.sent", "{message}", "WebSocket messages sent", m => m.MessagesSent);
        Observe("actorwss.bytes.received", "By", "Payload bytes received", m => m.BytesReceived);
        Observe("actorwss.bytes.sent", "By", "Payload bytes sent", m => m.BytesSent);
        Observe("actorwss.compressed_messages.received", "{message}", "Messages received compressed (permessage-deflate)", m => m.CompressedMessagesReceived);
        Observe("actorwss.compressed_messages.sent", "{message}", "Messages sent compressed (permessage-deflate)", m => m.CompressedMessagesSent);
        Observe("actorwss.compressed_bytes.received", "By", "Compressed bytes of messages received compressed", m => m.CompressedBytesReceived);
        Observe("actorwss.compressed_bytes.sent", "By", "Compressed bytes of messages sent compressed", m => m.CompressedBytesSent);
        Observe("actorwss.compressed_payload_bytes.received", "By", "Payload bytes of messages received compressed", m => m.CompressedPayloadBytesReceived);
        Observe("actorwss.compressed_payload_bytes.sent", "By", "Payload bytes of messages sent compressed", m => m.CompressedPayloadBytesSent);
        Observe("actorwss.tls.offload.queue_depth", "{step}", "TLS steps waiting for the offload dispatcher", m => m.OffloadQueueDepth, upDown: true);
        Observe("actorwss.tls.session_errors", "{session}", "Established TLS sessions that broke", m => m.TlsSessionErrors);
        ObserveTagged("actorwss.handshakes", "reason", "HTTP phase outcomes", m => m.Handshakes);
        ObserveTagged("actorwss.connections.refused", "reason", "Connections answered 503", m => m.Refused);
        ObserveTagged("actorwss.tls.handshakes", "result", "TLS handshakes", m => m.TlsHandshakes);
        ObserveTagged("actorwss.tls.peer_closes", "how", "How peers ended established TLS sessions", m => m.TlsPeerCloses);
        ObserveTagged("actorwss.tls.certificate.reloads", "result", "Certificate files that changed: ok, or failed", m => m.TlsCertificateReloads);
        _meter.CreateObservableGauge("actorwss.tls.certificate.expiry", () => _listeners.Values.SelectMany(m => m.TlsCertificates.Select(c =>
            new Measurement<long>(c.NotAfter.ToUnixTimeSeconds(), new KeyValuePair<string, object?>("listener", m.Listener),
                new KeyValuePair<string, object?>("subject", c.Subject)))), "s", "When each certificate served expires (notAfter), Unix seconds");
        ObserveTagged("actorwss.close_codes.sent", "code", "Close frames sent, by status code", m => m.CloseCodesSent);
        ObserveTagged("actorwss.close_codes.received", "code", "Close frames received, by status code", m => m.CloseCodesReceived);
    }

    public ListenerMetrics this[string listener] => _listeners[listener];

    /// <summary>The actor system's hub (sends by id and user, topics); null in tests without one.</summary>
    public Connections.WebSocketHub? Hub { get; }

    public IReadOnlyCollection<ListenerMetrics> Listeners => _listeners.Values;

    /// <summary>This server's meter (each server has its own, named <see cref="MeterName"/>).</summary>
    internal Meter Meter => _meter;

    public void Dispose() => _meter.Dispose();

    private void Observe(string name, string unit, string description, Func<ListenerMetrics, long> read, bool upDown = false)
    {
        IEnumerable<Measurement<long>> Measure() =>
            _listeners.Values.Select(m => new Measurement<long>(read(m), new KeyValuePair<string, object?>("listener", m.Listener)));
        if (upDown) _meter.CreateObservableUpDownCounter(name, Measure, unit, description);
        else _meter.CreateObservableCounter(name, Measure, unit, description);
    }

    private void ObserveTagged(string name, string tag, string description, Func<ListenerMetrics, TaggedCounters> counters) =>
        _meter.CreateObservableCounter(name, () => _listeners.Values.SelectMany(m => counters(m).Snapshot().Select(kv =>
            new Measurement<long>(kv.Value, new KeyValuePair<string, object?>("listener", m.Listener), new KeyValuePair<string, object?>(tag, kv.Key)))),
            null, description);

    /// <summary>Process figures the Prometheus text adds (what an operator looks at first).</summary>
    internal static (double CpuSeconds, long ResidentBytes, DateTimeOffset Started) Process()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return (self.TotalProcessorTime.TotalSeconds, self.WorkingSet64, self.StartTime.ToUniversalTime());
    }
}
