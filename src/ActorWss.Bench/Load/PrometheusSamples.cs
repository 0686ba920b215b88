using System.Globalization;

namespace ActorWss.Bench.Load;

/// <summary>
/// Samples of a Prometheus text page, by series (<c>name{labels}</c> exactly as written), with the sums the
/// bench needs: a family summed over its label sets, optionally only those carrying a given label.
/// </summary>
public sealed class PrometheusSamples(IReadOnlyDictionary<string, double> samples)
{
    public static PrometheusSamples Empty { get; } = new(new Dictionary<string, double>());

    public static PrometheusSamples Parse(string text)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            int split = line.LastIndexOf(' ');
            if (split <= 0) continue;
            if (double.TryParse(line[(split + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                samples[line[..split]] = value;
        }
        return new PrometheusSamples(samples);
    }

    /// <summary>The family's samples summed over label sets (containing <paramref name="label"/> when given); null if it has none.</summary>
    public double? Sum(string name, string? label = null)
    {
        double total = 0;
        bool found = false;
        foreach (var (series, value) in samples)
        {
            if (!IsOfFamily(series, name)) continue;
            if (label is not null && !series.Contains(label, StringComparison.Ordinal)) continue;
            total += value;
            found = true;
        }
        return found ? total : null;
    }

    private static bool IsOfFamily(string series, string name) =>
        series.StartsWith(name, StringComparison.Ordinal) && (series.Length == name.Length || series[name.Length] == '{');
}
