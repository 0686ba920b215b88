namespace ActorWss.Bench.Model;

/// <summary>
/// One idle-memory measurement: a fresh server, a warm-up, its resident memory, then <see cref="Connections"/>
/// connections that each completed one echo and stay open idle, and its resident memory again.
/// </summary>
/// <param name="BaselineRssBytes">Server RSS after the warm-up, before the idle connections.</param>
/// <param name="LoadedRssBytes">Server RSS with every idle connection open, after settling.</param>
/// <param name="ConnectSeconds">How long opening all connections (TCP, TLS, upgrade, one echo) took.</param>
public sealed record IdleMemoryResult(
    string Mode,
    int Connections,
    int Repeat,
    long BaselineRssBytes,
    long LoadedRssBytes,
    double ConnectSeconds,
    long Errors,
    string? FirstError,
    string? Tls)
{
    /// <summary>Server memory growth per idle connection, in KiB.</summary>
    public double KiBPerConnection => Connections > 0 ? (LoadedRssBytes - BaselineRssBytes) / 1024.0 / Connections : 0;
}
