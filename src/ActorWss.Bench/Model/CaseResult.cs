namespace ActorWss.Bench.Model;

/// <summary>Round-trip latency of one case, in microseconds.</summary>
public sealed record LatencySummary(double MeanUs, double P50Us, double P90Us, double P99Us, double MaxUs);

/// <summary>
/// One measured case: a mode (server configuration), a connection count and a message size, closed loop for
/// <see cref="Seconds"/> after a warm-up. Server figures are present when the server ran as a process the bench
/// could read /proc of (the matrix), null otherwise.
/// </summary>
/// <param name="Mode">e.g. "ws", "wss-inline", "wss-offload", "kestrel-wss".</param>
/// <param name="Pinned">Server and load generator ran on disjoint CPUs.</param>
/// <param name="Echoes">Round trips completed and verified byte for byte during the measured seconds.</param>
/// <param name="Errors">Mismatched echoes, protocol or socket errors.</param>
/// <param name="MessagesPerSecond">Echoes / Seconds.</param>
/// <param name="MiBPerSecond">Transfer rate, both directions: msg/s × size × 2 / 2^20.</param>
/// <param name="ClientCpuSeconds">CPU time the load generator used during the measured seconds.</param>
/// <param name="ServerCpuSeconds">CPU time the server used during the measured seconds.</param>
/// <param name="ServerPeakRssBytes">The server's peak resident memory (VmHWM) at the end of the case.</param>
/// <param name="MessagesPerServerCpuSecond">Echoes / ServerCpuSeconds: the server's efficiency, whoever saturated.</param>
public sealed record CaseResult(
    string Mode,
    int Connections,
    int MessageSize,
    bool Pinned,
    double Seconds,
    long Echoes,
    long Errors,
    string? FirstError,
    double MessagesPerSecond,
    double MiBPerSecond,
    LatencySummary Latency,
    double ClientCpuSeconds,
    double? ServerCpuSeconds,
    long? ServerPeakRssBytes,
    double? MessagesPerServerCpuSecond,
    string? ServerCpus,
    string? ClientCpus);
