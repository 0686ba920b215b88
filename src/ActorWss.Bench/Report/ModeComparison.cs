using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>A Δ column pair of the report: one mode measured against a baseline mode.</summary>
internal sealed record ModeComparison(string Mode, string Baseline)
{
    // The reference report's comparison (offload vs inline TLS), then what TLS itself costs (inline TLS vs plain ws).
    private static readonly ModeComparison[] Wanted =
    [
        new("wss-offload", "wss-inline"),
        new("wss-inline", "ws"),
    ];

    /// <summary>The wanted comparisons whose two modes are both in <paramref name="modes"/>.</summary>
    public static IReadOnlyList<ModeComparison> Among(IReadOnlyList<string> modes) =>
        Wanted.Where(c => modes.Contains(c.Mode) && modes.Contains(c.Baseline)).ToArray();

    public string Label => $"{Mode} vs {Baseline}";

    /// <summary>The change of <paramref name="metric"/> from the baseline to the mode, or "—" when either is missing.</summary>
    public string Delta(Func<string, double?> metric) =>
        metric(Baseline) is { } baseline && metric(Mode) is { } value && baseline != 0
            ? ReportFormat.Delta(ResultMath.DeltaPercent(baseline, value))
            : ReportFormat.Missing;
}
