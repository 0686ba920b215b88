using System.Diagnostics;
using ActorWss.Bench.Model;
using HdrHistogram;

namespace ActorWss.Bench.Load;

/// <summary>Live figures for progress output.</summary>
public sealed record LoadProgress(string Phase, TimeSpan Elapsed, long Echoes, long Errors);

/// <summary>What one run measured, before it becomes a <see cref="CaseResult"/>.</summary>
public sealed record LoadResult(double Seconds, long Echoes, long Errors, string? FirstError, LongHistogram Latency,
    double ClientCpuSeconds, double? ServerCpuSeconds, long? ServerPeakRssBytes)
{
    public LatencySummary LatencySummary()
    {
        double Micro(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
        if (Latency.TotalCount == 0) return new LatencySummary(0, 0, 0, 0, 0);
        return new LatencySummary(
            Micro((long)Latency.GetMean()),
            Micro(Latency.GetValueAtPercentile(50)),
            Micro(Latency.GetValueAtPercentile(90)),
            Micro(Latency.GetValueAtPercentile(99)),
            Micro(Latency.GetMaxValue()));
    }

    public CaseResult ToCase(string mode, int connections, int size, bool pinned, string? serverCpus, string? clientCpus)
    {
        double rate = ResultMath.MessagesPerSecond(Echoes, Seconds);
        return new CaseResult(mode, connections, size, pinned, Seconds, Echoes, Errors, FirstError, rate,
            ResultMath.MiBPerSecond(rate, size), LatencySummary(), ClientCpuSeconds, ServerCpuSeconds, ServerPeakRssBytes,
            ResultMath.PerCpuSecond(Echoes, ServerCpuSeconds), serverCpus, clientCpus);
    }
}

/// <summary>
/// The closed-loop load generator: opens every connection first (a bounded number at a time), starts all loops
/// together, warms up, measures, stops. When given the server's process id it also reads the server's CPU time and
/// peak memory from /proc at the edges of the measured window.
/// </summary>
public static class LoadGenerator
{
    public static async Task<LoadResult> RunAsync(LoadOptions options, int? serverPid = null,
        Action<LoadProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (!LoadOptions.IsLoopback(options.Url))
            throw new ArgumentException($"load is only generated against this machine (127.0.0.1, ::1, localhost), not {options.Url.Host}");

        var connections = await ConnectAllAsync(options, progress, cancellation);
        try
        {
            var state = new RunState();
            var loops = connections.Select(c => Task.Run(() => c.RunAsync(state), CancellationToken.None)).ToArray();
            var clock = Stopwatch.StartNew();

            await ReportWhileAsync("warm-up", options.Warmup, clock, connections, progress, cancellation);
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var serverCpu = serverPid is { } pid ? ProcStats.CpuSeconds(pid) : null;
            long measureStart = Stopwatch.GetTimestamp();
            state.StartMeasuring();

            await ReportWhileAsync("measuring", options.Duration, clock, connections, progress, cancellation);
            state.Stop();
            double seconds = Stopwatch.GetElapsedTime(measureStart).TotalSeconds;
            double clientCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds;
            double? serverCpuSeconds = serverPid is { } p && serverCpu is { } before && ProcStats.CpuSeconds(p) is { } after
                ? after - before : null;
            long? peakRss = serverPid is { } rssPid ? ProcStats.PeakRssBytes(rssPid) : null;

            // Loops finish their round trip in flight (bounded by the server answering, or by disposal below).
            await Task.WhenAny(Task.WhenAll(loops), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));

            var latency = new LongHistogram(TimeStamp.Minutes(1), 3);
            foreach (var c in connections) latency.Add(c.Histogram);
            return new LoadResult(seconds, connections.Sum(c => c.Echoes), connections.Sum(c => c.Errors),
                connections.Select(c => c.FirstError).FirstOrDefault(e => e is not null), latency,
                clientCpuSeconds, serverCpuSeconds, peakRss);
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static async Task<EchoConnection[]> ConnectAllAsync(LoadOptions options, Action<LoadProgress>? progress,
        CancellationToken cancellation)
    {
        var connections = new EchoConnection[options.Connections];
        using var gate = new SemaphoreSlim(options.ConnectConcurrency);
        int opened = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.Connections).Select(async i =>
            {
                await gate.WaitAsync(cancellation);
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
                    timeout.CancelAfter(options.EffectiveConnectTimeout);
                    connections[i] = await EchoConnection.OpenAsync(options.Url, options.Size, options.Insecure, timeout.Token);
                    progress?.Invoke(new LoadProgress("connecting", clock.Elapsed, Interlocked.Increment(ref opened), 0));
                }
                finally
                {
                    gate.Release();
                }
            }));
            return connections;
        }
        catch
        {
            await Task.WhenAll(connections.Where(c => c is not null).Select(c => c.DisposeAsync().AsTask()));
            throw;
        }
    }

    private static async Task ReportWhileAsync(string phase, TimeSpan length, Stopwatch clock, EchoConnection[] connections,
        Action<LoadProgress>? progress, CancellationToken cancellation)
    {
        var end = clock.Elapsed + length;
        while (clock.Elapsed < end)
        {
            var wait = end - clock.Elapsed;
            await Task.Delay(wait < TimeSpan.FromMilliseconds(500) ? wait : TimeSpan.FromMilliseconds(500), cancellation);
            progress?.Invoke(new LoadProgress(phase, clock.Elapsed, connections.Sum(c => Volatile.Read(ref c.Echoes)),
                connections.Sum(c => Volatile.Read(ref c.Errors))));
        }
    }
}
