namespace ActorWss.Bench.Model;

/// <summary>The arithmetic of the report, in one place (and tested).</summary>
public static class ResultMath
{
    public static double MessagesPerSecond(long echoes, double seconds) => seconds > 0 ? echoes / seconds : 0;

    /// <summary>Both directions: every echo moves <paramref name="size"/> bytes in and the same out.</summary>
    public static double MiBPerSecond(double messagesPerSecond, int size) => messagesPerSecond * size * 2 / (1024.0 * 1024.0);

    /// <summary>Relative change from <paramref name="baseline"/> to <paramref name="value"/>, in percent (−70 for a 70% drop).</summary>
    public static double DeltaPercent(double baseline, double value) => baseline == 0 ? 0 : (value - baseline) / baseline * 100.0;

    /// <summary>A total spread over the echoes that caused it; unknown without a total or without echoes.</summary>
    public static double? PerEcho(double? total, double echoes) => total is { } t && echoes > 0 ? t / echoes : null;

    /// <summary>The median: the middle value, or the mean of the two middle ones.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("the median of nothing", nameof(values));
        var sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
