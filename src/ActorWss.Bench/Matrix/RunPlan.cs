using ActorWss.Bench.Load;

namespace ActorWss.Bench.Matrix;

/// <summary>How a suite is run: its modes, durations, repeats and seed, on a machine of <see cref="Cores"/> cores.</summary>
/// <param name="Duration">Measured time per case.</param>
/// <param name="Warmup">Unmeasured load at the start of each case, on the case's own connections.</param>
/// <param name="WarmupCase">A whole case run and discarded after each server start, before the measured one (zero: none).</param>
/// <param name="Client">Who generates the echo cases' load (idle memory and fan-out always use the .NET client).</param>
public sealed record RunPlan(
    Suite Suite,
    IReadOnlyDictionary<string, BenchMode> Modes,
    TimeSpan Duration,
    TimeSpan Warmup,
    TimeSpan WarmupCase,
    int Repeats,
    int Seed,
    int Cores,
    LoadClient Client = LoadClient.Dotnet)
{
    public BenchMode Mode(string name) => Modes.TryGetValue(name, out var mode) ? mode
        : throw new ArgumentException($"unknown mode '{name}' (known: {string.Join(", ", Modes.Keys)})");
}
