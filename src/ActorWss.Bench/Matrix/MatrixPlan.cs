namespace ActorWss.Bench.Matrix;

/// <summary>One case of the plan.</summary>
public sealed record MatrixCase(int Connections, int Size);

/// <summary>
/// The reference report's two sweeps: connections at 64 B, sizes at 100 connections (the case they share is run
/// once), for every mode, unpinned and/or pinned.
/// </summary>
public sealed record MatrixPlan(
    IReadOnlyList<BenchMode> Modes,
    IReadOnlyList<int> ConnectionSweep,
    IReadOnlyList<int> SizeSweep,
    TimeSpan Duration,
    TimeSpan Warmup,
    IReadOnlyList<bool> Pinnings,
    string ServerCpus,
    string ClientCpus)
{
    public const int SweepSize = 64;
    public const int SweepConnections = 100;

    public IReadOnlyList<MatrixCase> Cases =>
        ConnectionSweep.Select(c => new MatrixCase(c, SweepSize))
            .Concat(SizeSweep.Select(s => new MatrixCase(SweepConnections, s)))
            .Distinct()
            .ToList();
}
