namespace ActorWss.Bench.Matrix;

/// <summary>What the command line changes in the suites; null keeps each suite's own choice.</summary>
/// <param name="Modes">Replaces the modes of every table (and of idle memory and fan-out).</param>
/// <param name="ExtraModes">Added to every table when <see cref="Modes"/> is not given.</param>
/// <param name="ServerCpus">Replaces every table's server CPU counts (each cell is run at each).</param>
/// <param name="Tables">Only these tables of the suite (by id), e.g. to repeat one part.</param>
public sealed record SuiteOptions(
    int Cores,
    IReadOnlyList<string>? Modes = null,
    IReadOnlyList<string>? ExtraModes = null,
    IReadOnlyList<int>? Connections = null,
    IReadOnlyList<int>? Sizes = null,
    IReadOnlyList<int>? InFlight = null,
    IReadOnlyList<int>? ServerCpus = null,
    int IdleConnections = 5000,
    IReadOnlyList<int>? Subscribers = null,
    int FanoutWindow = 8,
    int FanoutMessageSize = 64,
    IReadOnlyList<string>? Tables = null);
