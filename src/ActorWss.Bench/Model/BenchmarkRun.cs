namespace ActorWss.Bench.Model;

/// <summary>The machine a run was made on.</summary>
public sealed record MachineInfo(string Cpu, int Cores, string Os, string Runtime, string Gc);

/// <summary>What a reader needs to reproduce a run: the code, the crypto underneath, the certificate.</summary>
/// <param name="GitSha">The commit measured, with "-dirty" when the work tree had changes.</param>
/// <param name="OpenSsl">The OpenSSL the .NET servers' SslStream runs on.</param>
/// <param name="Certificate">The one server certificate every wss:// server used.</param>
public sealed record RunEnvironment(MachineInfo Machine, string GitSha, string OpenSsl, string Certificate, string? GoVersion);

/// <summary>A server configuration under test.</summary>
/// <param name="Name">Short name used in tables and charts ("wss-offload").</param>
/// <param name="Description">What it is, for the report.</param>
/// <param name="Overrides">The `--set key=value` overrides that make it, if it is an ActorWss mode.</param>
/// <param name="TwinOf">For an A/A mode: the mode it is identical to (its spread is the noise band).</param>
public sealed record ModeInfo(string Name, string Description, IReadOnlyList<string> Overrides, string? TwinOf = null);

/// <summary>One table of a suite: modes against one axis, and the comparisons to show.</summary>
/// <param name="Axis">What varies down the rows: connections, size, in-flight, server-cpus.</param>
/// <param name="Comparisons">(mode, baseline) pairs shown as Δ columns.</param>
public sealed record TableSpec(
    string Id,
    string Title,
    string Axis,
    IReadOnlyList<string> Modes,
    IReadOnlyList<CellSpec> Cells,
    IReadOnlyList<Comparison> Comparisons,
    string? Note = null);

/// <summary>A load: connections, message size, messages in flight per connection, server CPUs.</summary>
public sealed record CellSpec(int Connections, int MessageSize, int InFlight, int ServerCpus);

/// <summary>A Δ column: <see cref="Mode"/> against <see cref="Baseline"/>.</summary>
public sealed record Comparison(string Mode, string Baseline);

/// <summary>The order the modes ran in, in one repeat at one server CPU count.</summary>
public sealed record RepeatOrder(int Repeat, IReadOnlyList<string> Modes);

/// <summary>How a run measured: durations, repeats, the seed of the shuffle and the orders it gave.</summary>
/// <param name="WarmupSeconds">Unmeasured load at the start of each case, on its own connections.</param>
/// <param name="WarmupCaseSeconds">The discarded case run after each server start, before the measured one.</param>
/// <param name="Client">The echo cases' load generator: "go" or "dotnet" (runs recorded before it was a choice: dotnet).</param>
/// <param name="Order">"by-cell" (each cell on every mode back to back); runs recorded before it: by mode.</param>
public sealed record RunSettings(
    double CaseSeconds,
    double WarmupSeconds,
    double WarmupCaseSeconds,
    int Repeats,
    int Seed,
    IReadOnlyList<RepeatOrder> Orders,
    string? Client = null,
    string? Order = null);

/// <summary>Everything one suite run measured, as written to docs/bench/results-SUITE.json.</summary>
/// <param name="Suite">reference, regimes, peers, memory, fanout.</param>
public sealed record BenchmarkRun(
    string Suite,
    string Title,
    string Description,
    DateTimeOffset Started,
    string Command,
    RunEnvironment Environment,
    RunSettings Settings,
    IReadOnlyList<ModeInfo> Modes,
    IReadOnlyList<TableSpec> Tables,
    IReadOnlyList<CaseResult> Results,
    IReadOnlyList<IdleMemoryResult> IdleMemory,
    IReadOnlyList<FanoutResult> Fanout);
