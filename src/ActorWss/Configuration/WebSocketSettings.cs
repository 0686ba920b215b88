namespace ActorWss.Configuration;

/// <summary>The WebSocket protocol layer's limits and timers (HOCON <c>actorwss.websocket</c>).</summary>
/// <param name="MaxMessageSize">A message (all fragments together) larger than this fails with 1009.</param>
/// <param name="CloseTimeout">How long to wait for the peer's Close, and then for its TCP close, before dropping it.</param>
/// <param name="IdleTimeout">Close (1001) a connection that received nothing for this long; null: never.</param>
/// <param name="KeepAliveInterval">Send a Ping when nothing was sent for this long; null: never.</param>
/// <param name="Subprotocols">Subprotocols offered in the handshake that this server accepts.</param>
/// <param name="PerMessageDeflate">RFC 7692 compression, for clients that offer it.</param>
internal sealed record WebSocketSettings(
    long MaxMessageSize,
    TimeSpan CloseTimeout,
    TimeSpan? IdleTimeout,
    TimeSpan? KeepAliveInterval,
    IReadOnlyList<string> Subprotocols,
    PerMessageDeflateSettings PerMessageDeflate)
{
    public static WebSocketSettings Default { get; } = new(16 * 1024 * 1024, TimeSpan.FromSeconds(5), null, null, [], PerMessageDeflateSettings.Off);
}
