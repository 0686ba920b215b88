using System.Net;
using System.Security.Cryptography.X509Certificates;
using ActorWss.Http;

namespace ActorWss.Connections;

/// <summary>
/// The opening handshake of a WebSocket connection as the application sees it: what authentication decides on,
/// and what a connection's handler knows about how it was opened. Header names compare case-insensitively.
/// </summary>
public sealed class WebSocketRequest
{
    private readonly HttpRequest _request;
    private IReadOnlyDictionary<string, string>? _query;
    private IReadOnlyDictionary<string, string>? _cookies;

    internal WebSocketRequest(HttpRequest request, string listener, string route, EndPoint remoteAddress,
        X509Certificate2? clientCertificate)
    {
        _request = request;
        Listener = listener;
        Route = route;
        RemoteAddress = remoteAddress;
        ClientCertificate = clientCertificate;
        OfferedSubprotocols = request.ListElements("Sec-WebSocket-Protocol").ToArray();
    }

    /// <summary>The listener (<c>actorwss.listeners.NAME</c>) that accepted the connection.</summary>
    public string Listener { get; }

    /// <summary>The route (<c>actorwss.routes.NAME</c>) the path matched.</summary>
    public string Route { get; }

    /// <summary>The request path, without the query (still percent-encoded, as sent).</summary>
    public string Path => _request.Path;

    /// <summary>The query string without its <c>?</c>; empty when there is none.</summary>
    public string QueryString
    {
        get
        {
            int at = _request.Target.IndexOf('?');
            return at < 0 ? "" : _request.Target[(at + 1)..];
        }
    }

    /// <summary>The query parameters, percent-decoded; for a name given twice, the first value.</summary>
    public IReadOnlyDictionary<string, string> Query => _query ??= QueryParameters.Parse(QueryString);

    /// <summary>A query parameter, percent-decoded; null when absent.</summary>
    public string? GetQueryParameter(string name) => Query.TryGetValue(name, out var value) ? value : null;

    /// <summary>Every header field in the order received.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers => _request.Headers;

    /// <summary>The value of a header field; null when absent, and for a field sent several times, the values joined by ", ".</summary>
    public string? GetHeader(string name)
    {
        var values = _request.Headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).ToArray();
        return values.Length == 0 ? null : string.Join(", ", values);
    }

    /// <summary>The cookies of the <c>Cookie</c> header (RFC 6265 §5.4); for a name given twice, the first value.</summary>
    public IReadOnlyDictionary<string, string> Cookies => _cookies ??= CookieHeader.Parse(_request);

    /// <summary>The subprotocols the client offered (<c>Sec-WebSocket-Protocol</c>), in its order of preference.</summary>
    public IReadOnlyList<string> OfferedSubprotocols { get; }

    /// <summary>The client's address.</summary>
    public EndPoint RemoteAddress { get; }

    /// <summary>The certificate the client presented over wss:// (mTLS); null when none.</summary>
    public X509Certificate2? ClientCertificate { get; }

    public override string ToString() => $"{_request.Method} {Path} from {RemoteAddress}";
}
