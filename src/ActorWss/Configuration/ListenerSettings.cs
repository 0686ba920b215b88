namespace ActorWss.Configuration;

/// <summary>One listening socket (HOCON <c>actorwss.listeners.NAME</c>).</summary>
/// <param name="Name">The key under <c>actorwss.listeners</c>; names the listener in logs and metrics.</param>
/// <param name="Host">Address to bind; "0.0.0.0" or "::" for all interfaces.</param>
/// <param name="Port">0 picks a free port (the bound port is logged and reported).</param>
/// <param name="Backlog">The accept queue length.</param>
/// <param name="MaxConnections">Open connections allowed; one more is answered 503 and closed.</param>
/// <param name="Tls">Null for ws://; the TLS settings of this wss:// listener.</param>
/// <param name="Metrics">Serve GET /metrics here.</param>
internal sealed record ListenerSettings(string Name, string Host, int Port, int Backlog, int MaxConnections, TlsSettings? Tls = null,
    bool Metrics = false)
{
    public string Scheme => Tls is null ? "ws" : "wss";
}
