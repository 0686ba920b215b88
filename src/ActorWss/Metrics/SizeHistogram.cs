using System.Globalization;

namespace ActorWss.Metrics;

/// <summary>A fixed-bucket histogram of sizes in bytes, in the shape Prometheus exposes (cumulative buckets).</summary>
internal sealed class SizeHistogram
{
    /// <summary>
    /// Upper bounds in bytes, fourfold steps: one small record (64 B) up to the largest batch a TLS step takes by
    /// default (64 KiB) and beyond, so batching and coalescing show as mass moving to the right.
    /// </summary>
    public static readonly long[] Bounds = [64, 256, 1024, 4096, 16384, 65536, 262144, 1048576];

    private readonly long[] _counts = new long[Bounds.Length + 1];
    private long _sum;

    public void Record(long bytes)
    {
        // A loop, not Array.FindIndex with a lambda: the lambda captures `bytes`, a closure and a delegate per record,
        // and this runs for every TLS step.
        int bucket = 0;
        while (bucket < Bounds.Length && bytes > Bounds[bucket]) bucket++;
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sum, bytes);
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

    public long Sum => Interlocked.Read(ref _sum);

    /// <summary>Cumulative counts per upper bound (the last one is +Inf).</summary>
    public IReadOnlyList<(string UpperBound, long Count)> Cumulative()
    {
        var result = new List<(string, long)>(Bounds.Length + 1);
        long running = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            result.Add((i < Bounds.Length ? Bounds[i].ToString(CultureInfo.InvariantCulture) : "+Inf", running));
        }
        return result;
    }
}
