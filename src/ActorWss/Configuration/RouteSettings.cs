using ActorWss.Routing;

namespace ActorWss.Configuration;

/// <summary>One WebSocket endpoint as configured (HOCON <c>actorwss.routes.NAME</c>); its handler and authenticator are resolved by name at start.</summary>
/// <param name="Path">"/exact" or "/prefix/*".</param>
/// <param name="Handler">A handler name registered in code ("echo", "echo-actor", or the application's own).</param>
/// <param name="Auth">"none", "jwt" (<see cref="JwtSettings"/>), or an authenticator name registered in code.</param>
/// <param name="Subprotocols">The subprotocols this route accepts; null: <c>actorwss.websocket.subprotocols</c>.</param>
/// <param name="MaxMessageSize">A larger message closes with 1009; null: <c>actorwss.websocket.max-message-size</c>.</param>
/// <param name="PerMessageDeflate">Accept RFC 7692 compression on this route; null: <c>actorwss.websocket.permessage-deflate.enabled</c>.</param>
/// <param name="OutboundQueueSize">Messages sent to one client that may wait for it; beyond that <paramref name="Overflow"/> applies.</param>
internal sealed record RouteSettings(
    string Name,
    string Path,
    string Handler,
    string Auth,
    IReadOnlyList<string>? Subprotocols,
    long? MaxMessageSize,
    int OutboundQueueSize,
    OverflowPolicy Overflow,
    bool? PerMessageDeflate = null)
{
    public bool IsPrefix => Path.EndsWith("/*", StringComparison.Ordinal);

    /// <summary>The path to match: without the <c>*</c> of a prefix route.</summary>
    public string MatchPath => IsPrefix ? Path[..^1] : Path;
}

/// <summary>The <c>jwt</c> authenticator (HOCON <c>actorwss.auth.jwt</c>); null secret: not configured.</summary>
internal sealed record JwtSettings(
    string? Secret,
    string? Issuer,
    string? Audience,
    string NameClaim,
    string QueryParameter,
    string SubprotocolPrefix,
    TimeSpan ClockSkew);
