namespace ActorWss.Bench.Load;

/// <summary>One closed-loop case against one URL.</summary>
/// <param name="Url">ws:// or wss:// (127.0.0.1 / ::1 / localhost only).</param>
/// <param name="Connections">Connections, each running its own loop.</param>
/// <param name="Duration">Measured time, after the warm-up.</param>
/// <param name="Warmup">Loops run but are not measured.</param>
/// <param name="Size">Binary message size in bytes.</param>
/// <param name="Insecure">Accept any server certificate (the self-signed development one).</param>
/// <param name="ConnectConcurrency">Connections opened at once while connecting.</param>
/// <param name="ConnectTimeout">For each connection's TCP + TLS + WebSocket handshake.</param>
public sealed record LoadOptions(
    Uri Url,
    int Connections,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Size,
    bool Insecure,
    int ConnectConcurrency = 32,
    TimeSpan? ConnectTimeout = null)
{
    public TimeSpan EffectiveConnectTimeout => ConnectTimeout ?? TimeSpan.FromSeconds(30);

    /// <summary>Load tests only target this machine.</summary>
    public static bool IsLoopback(Uri url) =>
        url.Host is "localhost" or "127.0.0.1" or "[::1]" or "::1" || url.IsLoopback;
}
