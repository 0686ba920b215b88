namespace ActorWss.Server;

/// <summary>
/// Is this server ready for new clients: every listener bound, not draining, and, when clustered, a member of the
/// cluster that is Up. Liveness (<c>/healthz</c>) is only "the process answers"; readiness is what a load balancer
/// and a Kubernetes readiness probe ask (<c>/readyz</c>).
/// </summary>
internal sealed class ServerReadiness
{
    private volatile bool _bound;
    private volatile bool _draining;

    /// <summary>When clustered: is this node an Up member? Null: not clustered.</summary>
    public Func<bool>? ClusterMemberUp { get; init; }

    public void Bound() => _bound = true;

    public void Draining() => _draining = true;

    /// <summary>Null when ready, else why not.</summary>
    public string? NotReadyBecause() =>
        !_bound ? "listeners not bound yet"
        : _draining ? "draining"
        : ClusterMemberUp is { } up && !up() ? "not an Up member of the cluster yet"
        : null;
}
