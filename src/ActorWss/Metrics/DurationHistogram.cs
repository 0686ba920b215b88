namespace ActorWss.Metrics;

/// <summary>A fixed-bucket histogram of durations in seconds, in the shape Prometheus exposes (cumulative buckets).</summary>
internal sealed class DurationHistogram
{
    /// <summary>Upper bounds in seconds: from half a millisecond (a TLS 1.3 handshake on loopback) to seconds (a stalled peer).</summary>
    public static readonly double[] Bounds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly long[] _counts = new long[Bounds.Length + 1];
    private long _sumMicroseconds;

    public void Record(TimeSpan duration)
    {
        double seconds = duration.TotalSeconds;
        int bucket = 0; // a loop, not Array.FindIndex with a lambda: no closure and delegate per record
        while (bucket < Bounds.Length && seconds > Bounds[bucket]) bucket++;
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sumMicroseconds, (long)(seconds * 1_000_000));
    }

    public long Count
    {
        get
        {
            long total = 0;
            for (int i = 0; i < _counts.Length; i++) total += Interlocked.Read(ref _counts[i]);
            return total;
        }
    }

    public double SumSeconds => Interlocked.Read(ref _sumMicroseconds) / 1_000_000.0;

    /// <summary>Cumulative counts per upper bound (the last one is +Inf).</summary>
    public IReadOnlyList<(string UpperBound, long Count)> Cumulative()
    {
        var result = new List<(string, long)>(Bounds.Length + 1);
        long running = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            result.Add((i < Bounds.Length ? Bounds[i].ToString(System.Globalization.CultureInfo.InvariantCulture) : "+Inf", running));
        }
        return result;
    }
}
