namespace ActorWss.Http;

/// <summary>How the HTTP phase of a connection ended; the materialized value of <see cref="HandshakeStage"/>.</summary>
internal abstract record HandshakeOutcome;

/// <summary>101 sent: the connection speaks WebSocket now, on <paramref name="Route"/>, as <paramref name="User"/> (null: no authentication).</summary>
/// <param name="Expires">When the user's credentials expire: the connection is closed with 1008 then.</param>
internal sealed record Upgraded(HttpRequest Request, string? Subprotocol, Routing.Route Route, Connections.WebSocketRequest View,
    System.Security.Claims.ClaimsPrincipal? User = null, DateTimeOffset? Expires = null) : HandshakeOutcome;

/// <summary>An HTTP answer was sent (health, 4xx, 503) and the connection closed. <paramref name="Reason"/> names the case.</summary>
internal sealed record Answered(int Status, string Reason, string? Detail, HttpRequest? Request) : HandshakeOutcome;

/// <summary>No complete request arrived: <paramref name="Why"/> names the case for metrics, <paramref name="Reason"/> says it for logs.</summary>
internal sealed record Abandoned(AbandonKind Why, string Reason) : HandshakeOutcome;

/// <summary>Why no complete request arrived.</summary>
internal enum AbandonKind
{
    /// <summary>The peer closed (or the connection was stopped) first.</summary>
    Closed,
    /// <summary>The request head did not arrive within the handshake timeout.</summary>
    TimedOut,
    /// <summary>The transport failed (a reset, a send timeout).</summary>
    Failed,
}
