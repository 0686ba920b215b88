namespace ActorWss.Configuration;

/// <summary>Everything the server reads from HOCON, parsed and validated once at start (<see cref="SettingsParser"/>).</summary>
/// <param name="Listeners">The enabled listeners.</param>
/// <param name="Handler">The message handler every connection runs ("echo").</param>
/// <param name="DrainTimeout">At shutdown, how long open connections get to finish their closing handshake.</param>
internal sealed record ServerSettings(
    IReadOnlyList<ListenerSettings> Listeners,
    HttpSettings Http,
    WebSocketSettings WebSocket,
    TransportSettings Transport,
    string Handler,
    TimeSpan DrainTimeout);
