using System.Globalization;
using ActorWss.Bench.Model;

namespace ActorWss.Bench.Report;

/// <summary>How numbers, units and deltas are written in the report (invariant culture throughout).</summary>
internal static class ReportFormat
{
    /// <summary>Shown wherever a case was not run or a figure was not measured.</summary>
    public const string Missing = "—";

    private const char MinusSign = '\u2212';
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Count(double value) => value.ToString("N0", Invariant);

    public static string Fixed1(double value) => value.ToString("N1", Invariant);

    public static string Fixed2(double value) => value.ToString("N2", Invariant);

    /// <summary>Up to two decimals, trailing zeros dropped ("0.5", "2", "1.25").</summary>
    public static string Short(double value) => value.ToString("#,0.##", Invariant);

    public static string Rate(double messagesPerSecond) => $"{Count(messagesPerSecond)} msg/s";

    public static string TransferRate(double mibPerSecond) => $"{Fixed2(mibPerSecond)} MiB/s";

    /// <summary>Microseconds below one millisecond ("268 µs"), milliseconds with two decimals from there ("1.76 ms").</summary>
    public static string Latency(double microseconds) =>
        Math.Round(microseconds) < 1000 ? $"{Count(microseconds)} µs" : $"{Fixed2(microseconds / 1000)} ms";

    /// <summary>Whole percent with an explicit sign, a real minus (U+2212): "−70%", "+228%", "0%".</summary>
    public static string Delta(double percent)
    {
        var rounded = Math.Round(percent, MidpointRounding.AwayFromZero);
        return rounded switch
        {
            > 0 => $"+{Count(rounded)}%",
            < 0 => $"{MinusSign}{Count(-rounded)}%",
            _ => "0%",
        };
    }

    /// <summary>A Δ with its verdict: bold when it counts, plain when it is noise.</summary>
    public static string Verdict(Difference? difference) => difference is null ? Missing
        : difference.Counts ? $"**{Delta(difference.DeltaPercent)}**" : Delta(difference.DeltaPercent);

    /// <summary>"±7%": an A/A spread.</summary>
    public static string Noise(double? percent) => percent is { } p ? $"±{Count(p)}%" : Missing;

    /// <summary>"64 B", "256 B", "1 KiB", "4 KiB", "1 MiB".</summary>
    public static string Size(int bytes) =>
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? $"{Count(bytes / (1024 * 1024))} MiB"
        : bytes >= 1024 && bytes % 1024 == 0 ? $"{Count(bytes / 1024)} KiB"
        : $"{Count(bytes)} B";

    public static string Case(int connections, int messageSize) => $"{Count(connections)} connections, {Size(messageSize)}";

    public static string Seconds(double seconds) => $"{seconds.ToString("0.##", Invariant)} s";

    public static string OrMissing(double? value, Func<double, string> format) => value is { } v ? format(v) : Missing;

    /// <summary>One value of a metric, in its unit.</summary>
    public static string Value(double value, MetricFormat format) => format switch
    {
        MetricFormat.Rate => Count(value),
        MetricFormat.Latency => Latency(value),
        MetricFormat.Micro => Fixed1(value),
        MetricFormat.Ratio => Fixed2(value),
        MetricFormat.Bytes => Count(value),
        MetricFormat.MiB => Count(value),
        MetricFormat.Percent => $"{Count(value)}%",
        _ => Short(value),
    };

    /// <summary>The median, and the min–max range when there was more than one repeat: "55,000 (52,100–57,300)".</summary>
    public static string Spread(Spread? spread, MetricFormat format)
    {
        if (spread is null) return Missing;
        var median = Value(spread.Median, format);
        return spread.Count < 2 ? median : $"{median} ({Value(spread.Min, format)}–{Value(spread.Max, format)})";
    }

    /// <summary>Just the median.</summary>
    public static string Median(Spread? spread, MetricFormat format) => spread is null ? Missing : Value(spread.Median, format);
}
