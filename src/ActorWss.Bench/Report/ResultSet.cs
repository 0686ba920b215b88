using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>
/// The repeats of every cell of one or more runs, found by cell; medians, spreads, A/A noise and verdicts. Every
/// repeat is kept (a cell measured three times has three results, not its last).
/// </summary>
internal sealed class ResultSet
{
    private readonly Dictionary<CellKey, List<CaseResult>> _byCell = [];
    private readonly IReadOnlyList<ModeInfo> _modes;

    public ResultSet(IEnumerable<CaseResult> results, IReadOnlyList<ModeInfo> modes)
    {
        foreach (var result in results)
        {
            if (!_byCell.TryGetValue(result.Key, out var list)) _byCell[result.Key] = list = [];
            list.Add(result);
        }
        _modes = modes;
    }

    public static ResultSet Of(BenchmarkRun run) => new(run.Results, run.Modes);

    public IReadOnlyList<CaseResult> Repeats(CellKey key) => _byCell.GetValueOrDefault(key) ?? [];

    /// <summary>Repeats that measured something: a failed start or a failed load generator has no figures.</summary>
    public IReadOnlyList<CaseResult> Measured(CellKey key) => Repeats(key).Where(r => r.Echoes > 0).ToArray();

    public bool Has(CellKey key) => _byCell.ContainsKey(key);

    public Spread? Spread(CellKey key, CaseMetric metric) => Model.Spread.Of(Measured(key).Select(metric.Read));

    /// <summary>
    /// The A/A spread at this load for this metric: for every mode with a twin measured here, the pooled spread of
    /// both; the largest if there are several pairs; null when no pair ran at this load.
    /// </summary>
    public double? Noise(CellSpec cell, CaseMetric metric)
    {
        double? widest = null;
        foreach (var twin in _modes.Where(m => m.TwinOf is not null))
        {
            var a = Measured(Key(twin.TwinOf!, cell)).Select(metric.Read);
            var b = Measured(Key(twin.Name, cell)).Select(metric.Read);
            if (Verdict.NoisePercent(a, b) is { } noise) widest = Math.Max(widest ?? 0, noise);
        }
        return widest;
    }

    public Difference? Compare(Comparison comparison, CellSpec cell, CaseMetric metric) =>
        Verdict.Compare(Spread(Key(comparison.Baseline, cell), metric), Spread(Key(comparison.Mode, cell), metric), Noise(cell, metric));

    public static CellKey Key(string mode, CellSpec cell) => new(mode, cell.Connections, cell.MessageSize, cell.InFlight, cell.ServerCpus);
}
