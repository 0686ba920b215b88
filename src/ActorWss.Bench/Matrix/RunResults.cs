using ActorWss.Bench.Model;

namespace ActorWss.Bench.Matrix;

/// <summary>What a run has measured so far (it is saved after every step, so an interrupted run keeps its data).</summary>
public sealed class RunResults
{
    public List<CaseResult> Cases { get; } = [];

    public List<IdleMemoryResult> IdleMemory { get; } = [];

    public List<FanoutResult> Fanout { get; } = [];

    public bool AnyErrors => Cases.Any(r => r.Errors > 0) || IdleMemory.Any(r => r.Errors > 0) || Fanout.Any(r => r.Errors > 0);
}
