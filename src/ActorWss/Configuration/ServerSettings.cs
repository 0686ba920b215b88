namespace ActorWss.Configuration;

/// <summary>Everything the server reads from HOCON, parsed and validated once at start (<see cref="SettingsParser"/>).</summary>
/// <param name="Listeners">The enabled listeners.</param>
/// <param name="Routes">The WebSocket endpoints (path, handler, authentication, limits).</param>
/// <param name="Jwt">The settings of the built-in <c>jwt</c> authenticator.</param>
/// <param name="Cluster">Whether the hub spans an Akka.Cluster, and how this node joins it.</param>
/// <param name="DrainTimeout">At shutdown, how long open connections get to finish their closing handshake.</param>
/// <param name="MallocArenaMax">The most glibc malloc arenas the server process keeps (0: glibc's default); applied by <c>ActorWssApplication</c>.</param>
internal sealed record ServerSettings(
    IReadOnlyList<ListenerSettings> Listeners,
    HttpSettings Http,
    WebSocketSettings WebSocket,
    TransportSettings Transport,
    IReadOnlyList<RouteSettings> Routes,
    JwtSettings Jwt,
    ClusterSettings Cluster,
    TimeSpan DrainTimeout,
    DrainSettings? Drain = null,
    int MallocArenaMax = 0)
{
    /// <summary>How the connections are closed at shutdown; the defaults when not configured.</summary>
    public DrainSettings Draining => Drain ?? DrainSettings.Default;
}

/// <summary>How open connections are closed at shutdown (HOCON <c>actorwss.shutdown</c>).</summary>
/// <param name="BatchSize">Connections closed at once; the next batch follows after <paramref name="Interval"/>.</param>
/// <param name="CloseCode">The Close status sent (1001 or 1012); null: 1012 when clustered (reconnect to another node), else 1001.</param>
internal sealed record DrainSettings(int BatchSize, TimeSpan Interval, ushort? CloseCode)
{
    public static DrainSettings Default { get; } = new(500, TimeSpan.FromMilliseconds(100), null);
}
