namespace ActorWss.Bench.Load;

/// <summary>One closed-loop case against one URL.</summary>
/// <param name="Url">ws:// or wss:// (127.0.0.1 / ::1 / localhost only).</param>
/// <param name="Connections">Connections, each running its own loop.</param>
/// <param name="Duration">Measured time, after the warm-up.</param>
/// <param name="Warmup">Loops run but are not measured.</param>
/// <param name="Size">Binary message size in bytes.</param>
/// <param name="Insecure">Accept any server certificate (the bench's self-signed one).</param>
/// <param name="InFlight">Messages in flight per connection: 1 is the reference's closed loop, more is pipelined.</param>
/// <param name="ConnectConcurrency">Connections opened at once while connecting.</param>
/// <param name="ConnectTimeout">For each connection's TCP + TLS + WebSocket handshake.</param>
public sealed record LoadOptions(
    Uri Url,
    int Connections,
    TimeSpan Duration,
    TimeSpan Warmup,
    int Size,
    bool Insecure,
    int InFlight = 1,
    int ConnectConcurrency = 32,
    TimeSpan? ConnectTimeout = null)
{
    public TimeSpan EffectiveConnectTimeout => ConnectTimeout ?? TimeSpan.FromSeconds(30);

    /// <summary>Load tests only target this machine.</summary>
    public static bool IsLoopback(Uri url) =>
        url.Host is "localhost" or "127.0.0.1" or "[::1]" or "::1" || url.IsLoopback;

    public static void RequireLoopback(Uri url)
    {
        if (!IsLoopback(url))
            throw new ArgumentException($"load is only generated against this machine (127.0.0.1, ::1, localhost), not {url.Host}");
    }
}
