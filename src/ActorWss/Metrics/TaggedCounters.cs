using System.Collections.Concurrent;

namespace ActorWss.Metrics;

/// <summary>Counters keyed by a tag value (a close code, a handshake reason): lock-free once a key exists.</summary>
internal sealed class TaggedCounters
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    private sealed class Counter
    {
        public long Value;
    }

    public void Increment(string tag) => Interlocked.Increment(ref _counters.GetOrAdd(tag, _ => new Counter()).Value);

    public long this[string tag] => _counters.TryGetValue(tag, out var counter) ? Interlocked.Read(ref counter.Value) : 0;

    public IEnumerable<KeyValuePair<string, long>> Snapshot() =>
        _counters.Select(kv => new KeyValuePair<string, long>(kv.Key, Interlocked.Read(ref kv.Value.Value)))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal);
}
