using ActorWss.Routing;

namespace ActorWss.Http;

/// <summary>Answers plain HTTP requests (no upgrade): health, metrics, pages. Null: not handled here.</summary>
internal delegate HttpResponse? PlainHttpHandler(HttpRequest request);

/// <summary>Decides what a complete request head gets: the WebSocket upgrade, a plain HTTP answer, or an error.</summary>
internal interface IRequestRouter
{
    HandshakeDecision Decide(HttpRequest request);
}

/// <summary>
/// The router of a listener: WebSocket upgrades per <see cref="HandshakePolicy"/> to the route their path matches
/// (404 when none does), plain requests to <see cref="PlainHttpHandler"/>s (426 on a route's path, 404 elsewhere).
/// </summary>
internal sealed class RequestRouter(HandshakePolicy policy, RouteTable routes, IReadOnlyList<PlainHttpHandler> plainHandlers) : IRequestRouter
{
    public HandshakeDecision Decide(HttpRequest request)
    {
        if (!request.Version.StartsWith("HTTP/1.", StringComparison.Ordinal))
            return new Respond(HttpResponse.Text(505, "HTTP Version Not Supported", "HTTP/1.1 only"), "http-version");
        if (WebSocketUpgrade.IsAttempt(request)) return DecideUpgrade(request);

        if (request.Method is not ("GET" or "HEAD"))
            return new Respond(HttpResponse.Text(405, "Method Not Allowed", "GET or HEAD only", new KeyValuePair<string, string>("Allow", "GET, HEAD")), "method");
        foreach (var handler in plainHandlers)
        {
            var response = handler(request);
            if (response is null) continue;
            return new Respond(request.Method == "HEAD" ? response.WithoutBody() : response, "http");
        }
        var answer = routes.Match(request.Path) is null
            ? new Respond(HttpResponse.Text(404, "Not Found", "nothing here"), "not-found")
            : new Respond(HttpResponse.Text(426, "Upgrade Required", "this is a WebSocket endpoint: connect with ws:// or wss://",
                new("Upgrade", "websocket"), new("Sec-WebSocket-Version", WebSocket.Protocol.Version)), "not-websocket");
        return request.Method == "HEAD" ? answer with { Response = answer.Response.WithoutBody() } : answer;
    }

    private HandshakeDecision DecideUpgrade(HttpRequest request)
    {
        var decision = WebSocketUpgrade.Decide(request, policy);
        if (decision is not AcceptUpgrade accept) return decision;
        var route = routes.Match(request.Path);
        if (route is null)
            return new Respond(HttpResponse.Text(404, "Not Found", "no WebSocket endpoint at this path"), "not-found");
        // §4.2.2 item 5.4: the subprotocol is chosen among those this route speaks.
        var subprotocol = WebSocketUpgrade.SelectSubprotocol(request, policy with { Subprotocols = route.Subprotocols });
        // RFC 7692: compression where this route accepts it.
        return accept with { Route = route, Subprotocol = subprotocol, Extensions = route.PerMessageDeflate ? accept.Extensions : null };
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
    /// <summary>GET /healthz (liveness): 200 "ok" while the server runs.</summary>
    public static HttpResponse? Handle(HttpRequest request) =>
        request.Path == "/healthz" ? HttpResponse.Text(200, "OK", "ok") : null;

    /// <summary>GET /readyz (readiness): 200 "ready", or 503 saying why not (still starting, draining, not an Up cluster member).</summary>
    public static PlainHttpHandler Readiness(Server.ServerReadiness readiness) => request =>
    {
        if (request.Path != "/readyz") return null;
        return readiness.NotReadyBecause() is { } why
            ? HttpResponse.Text(503, "Service Unavailable", "not ready: " + why, new KeyValuePair<string, string>("Retry-After", "1"))
            : HttpResponse.Text(200, "OK", "ready");
    };
}
