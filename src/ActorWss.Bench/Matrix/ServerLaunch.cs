namespace ActorWss.Bench.Matrix;

/// <summary>What starting any server of a run needs: the repository (ActorWss), the certificate, the Go peer's binary.</summary>
/// <param name="GorillaBinary">Null when the Go peer could not be built (<see cref="GorillaProblem"/> says why).</param>
public sealed record ServerLaunch(RepositoryPaths Paths, BenchCertificate Certificate, string? GorillaBinary, string? GorillaProblem);
