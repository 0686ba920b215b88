namespace ActorWss.Bench.Model;

/// <summary>The repeats of one cell for one metric: median, smallest and largest, and how many there were.</summary>
public sealed record Spread(double Median, double Min, double Max, int Count)
{
    /// <summary>The values that were measured (unknown ones left out); null when none was.</summary>
    public static Spread? Of(IEnumerable<double?> values)
    {
        var known = values.OfType<double>().Where(double.IsFinite).ToArray();
        return known.Length == 0 ? null : new Spread(ResultMath.Median(known), known.Min(), known.Max(), known.Length);
    }

    /// <summary>(max − min) / median, in percent: how far apart the repeats were.</summary>
    public double WidthPercent => Median == 0 ? 0 : (Max - Min) / Math.Abs(Median) * 100.0;

    public bool Overlaps(Spread other) => Min <= other.Max && other.Min <= Max;
}
