using ActorWss.Http;
using Akka.IO;

namespace ActorWss.Metrics;

/// <summary><c>GET /metrics</c>: the server's metrics in Prometheus text format, on listeners with <c>metrics = on</c>.</summary>
internal sealed class MetricsEndpoint(ServerMetrics metrics)
{
    public HttpResponse? Handle(HttpRequest request) => request.Path == "/metrics"
        ? HttpResponse.Content(200, "OK", PrometheusText.ContentType, ByteString.FromString(PrometheusText.Render(metrics)))
        : null;
}
