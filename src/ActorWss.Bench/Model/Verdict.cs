namespace ActorWss.Bench.Model;

/// <summary>A Δ between two cells and whether it counts as a finding.</summary>
/// <param name="DeltaPercent">Median against median, in percent of the baseline's.</param>
/// <param name="Counts">The difference is outside the noise (see <see cref="Verdict.Rule"/>).</param>
public sealed record Difference(double DeltaPercent, bool Counts);

/// <summary>
/// When a difference between two modes is a finding. The rule is printed in the report, so it is written here once.
/// </summary>
public static class Verdict
{
    /// <summary>The fewest repeats per side for any verdict: one sample has no spread to compare against.</summary>
    public const int MinimumRepeats = 2;

    public const string Rule =
        "A difference between two modes counts only when (1) both were measured at least twice, (2) their min–max "
        + "ranges over the repeats do not overlap, and (3) the difference of their medians is larger than the A/A "
        + "spread at the same load: the spread, (max − min) / median, of every repeat of a mode and its identical "
        + "twin (wss-inline and wss-inline-aa: the same server under two names, run in the same shuffled order). "
        + "Where no A/A twin ran at that load, (1) and (2) alone decide. Deltas that count are in bold; the others are "
        + "noise, whatever their size.";

    /// <param name="noisePercent">The A/A spread at this load and metric, in percent; null when no twin ran there.</param>
    public static Difference? Compare(Spread? baseline, Spread? value, double? noisePercent)
    {
        if (baseline is null || value is null || baseline.Median == 0) return null;
        double delta = ResultMath.DeltaPercent(baseline.Median, value.Median);
        bool counts = baseline.Count >= MinimumRepeats && value.Count >= MinimumRepeats
            && !baseline.Overlaps(value)
            && (noisePercent is not { } noise || Math.Abs(delta) > noise);
        return new Difference(delta, counts);
    }

    /// <summary>The A/A spread: every repeat of a mode and of its twin, pooled.</summary>
    public static double? NoisePercent(IEnumerable<double?> modeValues, IEnumerable<double?> twinValues)
    {
        var pooled = Spread.Of(modeValues.Concat(twinValues));
        return pooled is { Count: >= 2 * MinimumRepeats } ? pooled.WidthPercent : null;
    }
}
