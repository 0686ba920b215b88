using System.Collections.Concurrent;

namespace ActorWss.Metrics;

/// <summary>
/// Counters keyed by two label values (a route and a reason). Lock-free once a key exists. At most
/// <see cref="MaxKeys"/> distinct keys: past that, new second labels are counted as "other", so a label fed from
/// outside (an authenticator's reason) cannot grow the metrics without bound.
/// </summary>
internal sealed class PairCounters
{
    public const int MaxKeys = 256;

    private readonly ConcurrentDictionary<(string, string), Counter> _counters = new();

    private sealed class Counter
    {
        public long Value;
    }

    public void Increment(string first, string second)
    {
        var key = (first, second);
        if (!_counters.TryGetValue(key, out var counter))
            counter = _counters.Count < MaxKeys ? _counters.GetOrAdd(key, _ => new Counter()) : _counters.GetOrAdd((first, "other"), _ => new Counter());
        Interlocked.Increment(ref counter.Value);
    }

    public long this[string first, string second] => _counters.TryGetValue((first, second), out var counter) ? Interlocked.Read(ref counter.Value) : 0;

    public IEnumerable<(string First, string Second, long Value)> Snapshot() =>
        _counters.Select(kv => (kv.Key.Item1, kv.Key.Item2, Interlocked.Read(ref kv.Value.Value)))
            .OrderBy(x => x.Item1, StringComparer.Ordinal).ThenBy(x => x.Item2, StringComparer.Ordinal);
}
