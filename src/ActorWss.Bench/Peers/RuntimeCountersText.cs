using System.Globalization;
using System.Text;

namespace ActorWss.Bench.Peers;

/// <summary>
/// The .NET runtime's cumulative counters as Prometheus text, under the names ActorWss's /metrics uses, for the
/// Kestrel peer: the bench reads allocated bytes and thread-pool work items per echo from every .NET server alike.
/// </summary>
public static class RuntimeCountersText
{
    public static string Render()
    {
        var text = new StringBuilder();
        void Sample(string name, string? labels, long value) =>
            text.Append(name).Append(labels is null ? "" : "{" + labels + "}").Append(' ')
                .Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("# TYPE dotnet_gc_heap_total_allocated_bytes_total counter\n");
        Sample("dotnet_gc_heap_total_allocated_bytes_total", null, GC.GetTotalAllocatedBytes(precise: false));
        text.Append("# TYPE dotnet_gc_collections_total counter\n");
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
            Sample("dotnet_gc_collections_total", $"gc_heap_generation=\"gen{generation}\"", GC.CollectionCount(generation));
        text.Append("# TYPE dotnet_thread_pool_work_item_count_total counter\n");
        Sample("dotnet_thread_pool_work_item_count_total", null, ThreadPool.CompletedWorkItemCount);
        text.Append("# TYPE dotnet_thread_pool_thread_count gauge\n");
        Sample("dotnet_thread_pool_thread_count", null, ThreadPool.ThreadCount);
        return text.ToString();
    }
}
