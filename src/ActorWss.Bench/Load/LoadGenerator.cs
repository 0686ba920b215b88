using System.Diagnostics;
using ActorWss.Bench.Model;
using HdrHistogram;

namespace ActorWss.Bench.Load;

/// <summary>Live figures for progress output.</summary>
public sealed record LoadProgress(string Phase, TimeSpan Elapsed, long Echoes, long Errors);

/// <summary>What one run measured, before it becomes a <see cref="CaseResult"/>.</summary>
public sealed record LoadResult(double Seconds, long Echoes, long Errors, string? FirstError, LongHistogram Latency,
    double ClientCpuSeconds, ServerCosts? Server, string? Tls)
{
    public LatencySummary LatencySummary() => Latencies.Summarize(Latency);

    public CaseResult ToCase(string mode, int connections, int size, int inFlight, int serverCpus, int repeat,
        string? serverCpuList, string? clientCpuList)
    {
        double rate = ResultMath.MessagesPerSecond(Echoes, Seconds);
        return new CaseResult(mode, connections, size, inFlight, serverCpus, repeat, Seconds, Echoes, Errors, FirstError, rate,
            ResultMath.MiBPerSecond(rate, size), LatencySummary(), ClientCpuSeconds, Server, serverCpuList, clientCpuList, Tls);
    }
}

/// <summary>
/// The closed-loop load generator: opens every connection first (a bounded number at a time), starts all loops
/// together, warms up, measures, stops. Given a <see cref="ServerProbe"/>, it reads the server's counters at the
/// edges of the measured window (and resets its peak RSS at the start), so the costs are this window's.
/// </summary>
public static class LoadGenerator
{
    /// <summary>How long the messages in flight may take to come back when the load pauses.</summary>
    private static readonly TimeSpan QuiesceTimeout = TimeSpan.FromSeconds(60);

    public static async Task<LoadResult> RunAsync(LoadOptions options, ServerProbe? server = null,
        Action<LoadProgress>? progress = null, CancellationToken cancellation = default)
    {
        LoadOptions.RequireLoopback(options.Url);
        var connections = await ConnectAllAsync(options, progress, cancellation);
        try
        {
            var state = new RunState();
            var loops = connections.Select(c => Task.Run(() => c.RunAsync(state), CancellationToken.None)).ToArray();
            var clock = Stopwatch.StartNew();
            Task<(long, long)> Counts() => Task.FromResult((connections.Sum(c => Volatile.Read(ref c.Echoes)),
                connections.Sum(c => Volatile.Read(ref c.Errors))));

            await ReportWhileAsync("warm-up", options.Warmup, clock, Counts, progress, cancellation);
            long Completed() => connections.Sum(c => Volatile.Read(ref c.Completed));
            // The server is read with the load paused and nothing in flight: its costs between the two readings are
            // exactly those of the echoes completed between them.
            await state.QuiesceAsync(QuiesceTimeout, cancellation);
            bool peakReset = server?.ResetPeakRss() ?? false;
            var serverStart = server is null ? null : await server.ReadAsync();
            long completedAtStart = Completed();
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            long measureStart = Stopwatch.GetTimestamp();
            state.StartMeasuring();

            await ReportWhileAsync("measuring", options.Duration, clock, Counts, progress, cancellation);
            state.EndMeasuring();
            double seconds = Stopwatch.GetElapsedTime(measureStart).TotalSeconds;
            double clientCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds;
            await state.QuiesceAsync(QuiesceTimeout, cancellation);
            var serverEnd = server is null ? null : await server.ReadAsync();
            long completedAtEnd = Completed();
            state.Stop();

            // Loops finish their round trip in flight (bounded by the server answering, or by disposal below).
            await Task.WhenAny(Task.WhenAll(loops), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));

            var latency = new LongHistogram(TimeStamp.Minutes(1), 3);
            foreach (var c in connections) latency.Add(c.Histogram);
            return new LoadResult(seconds, connections.Sum(c => c.Echoes), connections.Sum(c => c.Errors),
                connections.Select(c => c.FirstError).FirstOrDefault(e => e is not null), latency, clientCpuSeconds,
                serverStart is null || serverEnd is null ? null : ServerProbe.Costs(serverStart, serverEnd, peakReset, completedAtEnd - completedAtStart),
                connections.FirstOrDefault()?.Tls);
        }
        finally
        {
            await Task.WhenAll(connections.Select(c => c.DisposeAsync().AsTask()));
        }
    }

    internal static async Task<EchoConnection[]> ConnectAllAsync(LoadOptions options, Action<LoadProgress>? progress,
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
                    connections[i] = await EchoConnection.OpenAsync(options.Url, options.Size, options.Insecure, timeout.Token, options.InFlight);
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

    /// <summary>
    /// Waits <paramref name="length"/>, reporting <paramref name="phase"/> twice a second with what
    /// <paramref name="counts"/> reads (echoes, errors); nothing is read without a <paramref name="progress"/>.
    /// </summary>
    internal static async Task ReportWhileAsync(string phase, TimeSpan length, Stopwatch clock, Func<Task<(long Echoes, long Errors)>> counts,
        Action<LoadProgress>? progress, CancellationToken cancellation)
    {
        var end = clock.Elapsed + length;
        while (clock.Elapsed < end)
        {
            var wait = end - clock.Elapsed;
            await Task.Delay(wait < TimeSpan.FromMilliseconds(500) ? wait : TimeSpan.FromMilliseconds(500), cancellation);
            if (progress is null) continue;
            var (echoes, errors) = await counts();
            progress(new LoadProgress(phase, clock.Elapsed, echoes, errors));
        }
    }
}
