using ActorWss.WebSocket;

namespace ActorWss.Http;

/// <summary>
/// RFC 6455 §4.2.1-§4.2.2: validates an opening handshake and decides the answer. Pure: no I/O, no state, tested
/// directly.
/// </summary>
internal static class WebSocketUpgrade
{
    /// <summary>Does the request ask for a WebSocket at all (as opposed to plain HTTP)?</summary>
    public static bool IsAttempt(HttpRequest request) =>
        request.HasToken("Upgrade", "websocket")
        || request.Count("Sec-WebSocket-Key") > 0
        || request.Count("Sec-WebSocket-Version") > 0;

    public static HandshakeDecision Decide(HttpRequest request, HandshakePolicy policy)
    {
        // §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
        if (request.Version == "HTTP/1.0")
            return Reject(400, "Bad Request", "WebSocket needs an HTTP/1.1 GET request", "http-version");
        // §4.2.1 item 1: the method must be GET.
        if (request.Method != "GET")
            return Reject(405, "Method Not Allowed", "WebSocket needs an HTTP/1.1 GET request", "method",
                new KeyValuePair<string, string>("Allow", "GET"));
        // §4.2.1 item 1: a GET without content. Bytes after the head are WebSocket frames, so a body would be read as frames.
        if (request.Count("Transfer-Encoding") > 0 || request.ListElements("Content-Length").Any(length => length != "0"))
            return Reject(400, "Bad Request", "a WebSocket upgrade has no body", "body");
        // §4.2.1 item 2 and RFC 9112 §3.2: exactly one Host.
        if (request.Count("Host") != 1)
            return Reject(400, "Bad Request", "exactly one Host header is required", "host");
        // §4.2.1 item 3.
        if (!request.HasToken("Upgrade", "websocket"))
            return Reject(400, "Bad Request", "Upgrade: websocket is required", "upgrade");
        // §4.2.1 item 4.
        if (!request.HasToken("Connection", "upgrade"))
            return Reject(400, "Bad Request", "Connection: Upgrade is required", "connection");
        // §4.2.1 item 6 and §4.4: a version we do not speak gets 426 with the versions we do.
        if (request.Single("Sec-WebSocket-Version") != Protocol.Version)
            return Reject(426, "Upgrade Required", "Sec-WebSocket-Version 13 is required", "version",
                new KeyValuePair<string, string>("Sec-WebSocket-Version", Protocol.Version));
        // §4.2.1 item 5.
        var key = request.Single("Sec-WebSocket-Key");
        if (!WebSocketAccept.IsValidKey(key))
            return Reject(400, "Bad Request", "Sec-WebSocket-Key must be base64 of 16 bytes", "key");
        // §4.2.2 item 4 / §10.2: the server may refuse origins it does not serve.
        if (!IsOriginAllowed(request, policy))
            return Reject(403, "Forbidden", "origin not allowed", "origin");

        return new AcceptUpgrade(request, WebSocketAccept.Compute(key!), SelectSubprotocol(request, policy))
        {
            // RFC 6455 §9.1: extensions the client did not offer, or that we decline, are simply not in the 101.
            Extensions = policy.PerMessageDeflate ? PerMessageDeflateNegotiation.Negotiate(request) : null,
        };
    }

    /// <summary>§4.2.2 item 5.4 (/subprotocol/): the first protocol the client offers that this server speaks.</summary>
    public static string? SelectSubprotocol(HttpRequest request, HandshakePolicy policy)
    {
        if (policy.Subprotocols.Count == 0) return null;
        foreach (var offered in request.ListElements("Sec-WebSocket-Protocol"))
            foreach (var supported in policy.Subprotocols)
                if (string.Equals(offered, supported, StringComparison.Ordinal)) return supported;
        return null;
    }

    private static bool IsOriginAllowed(HttpRequest request, HandshakePolicy policy)
    {
        if (policy.AllowedOrigins.Count == 0) return true;
        var origin = request.Single("Origin");
        if (origin is null) return request.Count("Origin") == 0; // non-browser clients send none
        foreach (var allowed in policy.AllowedOrigins)
            if (allowed == "*" || string.Equals(allowed, origin, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>The 101 response of §4.2.2 item 5.</summary>
    public static HttpResponse SwitchingProtocols(AcceptUpgrade accept)
    {
        var headers = new List<KeyValuePair<string, string>>(4)
        {
            new("Upgrade", "websocket"),
            new("Connection", "Upgrade"),
            new("Sec-WebSocket-Accept", accept.Accept),
        };
        if (accept.Subprotocol is not null) headers.Add(new("Sec-WebSocket-Protocol", accept.Subprotocol));
        if (accept.Extensions is not null) headers.Add(new("Sec-WebSocket-Extensions", accept.Extensions));
        return new HttpResponse(101, "Switching Protocols", headers, Akka.IO.ByteString.Empty);
    }

    private static Respond Reject(int status, string phrase, string body, string reason,
        params KeyValuePair<string, string>[] extraHeaders) =>
        new(HttpResponse.Text(status, phrase, body, extraHeaders), reason);
}
