namespace ActorWss.Http;

/// <summary>Answers plain HTTP requests (no upgrade): health, metrics, pages. Null: not handled here.</summary>
internal delegate HttpResponse? PlainHttpHandler(HttpRequest request);

/// <summary>Decides what a complete request head gets: the WebSocket upgrade, a plain HTTP answer, or an error.</summary>
internal interface IRequestRouter
{
    HandshakeDecision Decide(HttpRequest request);
}

/// <summary>The router of a listener: WebSocket upgrades per <see cref="HandshakePolicy"/>, plain requests to <see cref="PlainHttpHandler"/>s.</summary>
internal sealed class RequestRouter(HandshakePolicy policy, IReadOnlyList<PlainHttpHandler> plainHandlers) : IRequestRouter
{
    public HandshakeDecision Decide(HttpRequest request)
    {
        if (!request.Version.StartsWith("HTTP/1.", StringComparison.Ordinal))
            return new Respond(HttpResponse.Text(505, "HTTP Version Not Supported", "HTTP/1.1 only"), "http-version");
        if (WebSocketUpgrade.IsAttempt(request)) return WebSocketUpgrade.Decide(request, policy);

        if (request.Method is not ("GET" or "HEAD"))
            return new Respond(HttpResponse.Text(405, "Method Not Allowed", "GET or HEAD only", new KeyValuePair<string, string>("Allow", "GET, HEAD")), "method");
        foreach (var handler in plainHandlers)
        {
            var response = handler(request);
            if (response is null) continue;
            return new Respond(request.Method == "HEAD" ? response.WithoutBody() : response, "http");
        }
        var upgradeRequired = HttpResponse.Text(426, "Upgrade Required", "this is a WebSocket endpoint: connect with ws:// or wss://",
            new("Upgrade", "websocket"), new("Sec-WebSocket-Version", WebSocket.Protocol.Version));
        return new Respond(request.Method == "HEAD" ? upgradeRequired.WithoutBody() : upgradeRequired, "not-websocket");
    }
}

/// <summary>
/// A router that reads the request and answers 503: for connections over the listener's limit, and for those that
/// arrive while the server shuts down. Reading the request first matters: closing a socket with unread input
/// resets it, and the client would never see the answer.
/// </summary>
internal sealed class RefusingRouter(string reason, string message, bool answersHealth = false) : IRequestRouter
{
    public string Reason { get; } = reason;

    /// <summary>A full server is still healthy: health checks must not share the connection limit.</summary>
    public static RefusingRouter OverCapacity { get; } = new("over-capacity", "connection limit reached, try again later", answersHealth: true);

    /// <summary>A draining server answers 503 to health checks too, so load balancers stop sending it clients.</summary>
    public static RefusingRouter ShuttingDown { get; } = new("shutting-down", "server shutting down, try again later");

    public HandshakeDecision Decide(HttpRequest request)
    {
        if (answersHealth && request.Method is "GET" or "HEAD" && !WebSocketUpgrade.IsAttempt(request)
            && HealthEndpoint.Handle(request) is { } health)
            return new Respond(request.Method == "HEAD" ? health.WithoutBody() : health, "http");
        return new Respond(HttpResponse.Text(503, "Service Unavailable", message,
            new KeyValuePair<string, string>("Retry-After", "1")), Reason);
    }
}

/// <summary>Plain endpoints every listener has.</summary>
internal static class HealthEndpoint
{
    /// <summary>GET /healthz: 200 "ok" while the server runs.</summary>
    public static HttpResponse? Handle(HttpRequest request) =>
        request.Path == "/healthz" ? HttpResponse.Text(200, "OK", "ok") : null;
}
