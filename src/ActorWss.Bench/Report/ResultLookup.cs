using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>
/// The results of a run, found by case. Knows the two sweeps of the matrix: connection counts at
/// <see cref="SweepMessageSize"/> and message sizes at <see cref="SweepConnections"/>, taken from the cases present.
/// </summary>
internal sealed class ResultLookup
{
    public const int SweepMessageSize = 64;
    public const int SweepConnections = 100;

    private readonly Dictionary<(string Mode, bool Pinned, int Connections, int Size), CaseResult> _byCase = [];
    private readonly Dictionary<string, int> _modeOrder;

    public ResultLookup(BenchmarkRun run)
    {
        // A case measured twice keeps its last measurement.
        foreach (var result in run.Results)
            _byCase[(result.Mode, result.Pinned, result.Connections, result.MessageSize)] = result;

        Modes = run.Modes.Select(m => m.Name)
            .Concat(run.Results.Select(r => r.Mode))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        _modeOrder = Modes.Select((mode, index) => (mode, index)).ToDictionary(m => m.mode, m => m.index, StringComparer.Ordinal);
        Pinnings = new[] { false, true }.Where(p => run.Results.Any(r => r.Pinned == p)).ToArray();
    }

    /// <summary>Mode names in the run's order, followed by any mode that has results but no description.</summary>
    public IReadOnlyList<string> Modes { get; }

    /// <summary>Unpinned first, then pinned; only those with results.</summary>
    public IReadOnlyList<bool> Pinnings { get; }

    public CaseResult? Find(string mode, bool pinned, int connections, int messageSize) =>
        _byCase.GetValueOrDefault((mode, pinned, connections, messageSize));

    public bool Has(bool pinned, int connections, int messageSize) =>
        Modes.Any(mode => Find(mode, pinned, connections, messageSize) is not null);

    public IReadOnlyList<int> ConnectionCounts(bool pinned) =>
        InPinning(pinned).Where(r => r.MessageSize == SweepMessageSize).Select(r => r.Connections).Distinct().Order().ToArray();

    public IReadOnlyList<int> MessageSizes(bool pinned) =>
        InPinning(pinned).Where(r => r.Connections == SweepConnections).Select(r => r.MessageSize).Distinct().Order().ToArray();

    /// <summary>Every case of one pinning, by mode (in <see cref="Modes"/> order), then message size, then connections.</summary>
    public IReadOnlyList<CaseResult> InPinning(bool pinned) =>
        _byCase.Values.Where(r => r.Pinned == pinned)
            .OrderBy(r => _modeOrder[r.Mode])
            .ThenBy(r => r.MessageSize)
            .ThenBy(r => r.Connections)
            .ToArray();
}
