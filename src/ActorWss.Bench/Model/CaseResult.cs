namespace ActorWss.Bench.Model;

/// <summary>Round-trip latency of one case, in microseconds.</summary>
/// <param name="MeanUs">Kept in the JSON only: in a closed loop the mean is connections / throughput (Little's law).</param>
public sealed record LatencySummary(double MeanUs, double P50Us, double P90Us, double P99Us, double P999Us, double MaxUs);

/// <summary>What one cell of the matrix is: which server configuration, under which load, on how many CPUs.</summary>
/// <param name="Mode">e.g. "ws", "wss-inline", "wss-offload", "kestrel-wss", "go-wss".</param>
/// <param name="InFlight">Messages in flight per connection (1: the reference's closed loop; k: pipelined).</param>
/// <param name="ServerCpus">CPUs the server may run on (taskset); the machine's core count when it shares them all.</param>
public sealed record CellKey(string Mode, int Connections, int MessageSize, int InFlight, int ServerCpus);

/// <summary>
/// One measured case: a cell, measured once (one repeat), closed loop for <see cref="Seconds"/> after a warm-up,
/// on a server started for it. Server figures are null when the bench could not read them (no /proc, no /metrics).
/// </summary>
/// <param name="Repeat">1-based; every repeat measures every cell once, in a shuffled mode order.</param>
/// <param name="Echoes">Round trips completed and verified byte for byte during the measured seconds.</param>
/// <param name="Errors">Mismatched echoes, protocol or socket errors (or a server that did not start).</param>
/// <param name="MiBPerSecond">Transfer rate, both directions: msg/s × size × 2 / 2^20.</param>
/// <param name="ClientCpuSeconds">CPU time the load generator used during the measured seconds.</param>
/// <param name="Server">What the server spent during the measured seconds.</param>
/// <param name="ServerCpuList">The server's CPUs (taskset list), null when it shared every CPU with the load generator.</param>
/// <param name="ClientCpuList">The load generator's CPUs, null when unpinned.</param>
/// <param name="Tls">Protocol and cipher suite the load generator negotiated, null for ws://.</param>
public sealed record CaseResult(
    string Mode,
    int Connections,
    int MessageSize,
    int InFlight,
    int ServerCpus,
    int Repeat,
    double Seconds,
    long Echoes,
    long Errors,
    string? FirstError,
    double MessagesPerSecond,
    double MiBPerSecond,
    LatencySummary Latency,
    double ClientCpuSeconds,
    ServerCosts? Server,
    string? ServerCpuList,
    string? ClientCpuList,
    string? Tls)
{
    public CellKey Key => new(Mode, Connections, MessageSize, InFlight, ServerCpus);
}
