namespace ActorWss.Bench.Model;

/// <summary>The machine a run was made on.</summary>
public sealed record MachineInfo(string Cpu, int Cores, string Os, string Runtime, string Gc);

/// <summary>A server configuration under test.</summary>
/// <param name="Name">Short name used in tables and charts ("wss-offload").</param>
/// <param name="Description">What it is, for the report ("ActorWss, TLS offloaded to the dedicated pool").</param>
/// <param name="Overrides">The `--set key=value` overrides that make it, if it is an ActorWss mode.</param>
public sealed record ModeInfo(string Name, string Description, IReadOnlyList<string> Overrides);

/// <summary>Everything one matrix run measured, as written to docs/bench/results.json.</summary>
public sealed record BenchmarkRun(
    DateTimeOffset Started,
    string Command,
    MachineInfo Machine,
    double CaseSeconds,
    IReadOnlyList<ModeInfo> Modes,
    IReadOnlyList<CaseResult> Results);
