namespace ActorWss.Configuration;

/// <summary>Everything the server reads from HOCON, parsed and validated once at start (<see cref="SettingsParser"/>).</summary>
/// <param name="Listeners">The enabled listeners.</param>
/// <param name="Routes">The WebSocket endpoints (path, handler, authentication, limits).</param>
/// <param name="Jwt">The settings of the built-in <c>jwt</c> authenticator.</param>
/// <param name="DrainTimeout">At shutdown, how long open connections get to finish their closing handshake.</param>
internal sealed record ServerSettings(
    IReadOnlyList<ListenerSettings> Listeners,
    HttpSettings Http,
    WebSocketSettings WebSocket,
    TransportSettings Transport,
    IReadOnlyList<RouteSettings> Routes,
    JwtSettings Jwt,
    TimeSpan DrainTimeout);
