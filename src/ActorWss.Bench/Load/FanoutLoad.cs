using System.Diagnostics;
using System.Globalization;
using ActorWss.Bench.Model;
using HdrHistogram;

namespace ActorWss.Bench.Load;

/// <summary>Options of a fan-out measurement.</summary>
/// <param name="PublisherUrl">The chat endpoint the publisher connects to (e.g. ws://127.0.0.1:9090/chat).</param>
/// <param name="SubscriberUrls">Chat endpoints the subscribers connect to, round robin (several nodes of a cluster, or just one).</param>
/// <param name="Window">Messages the publisher keeps outstanding; one is outstanding until every subscriber has it.</param>
/// <param name="MessageSize">Length of each message's text.</param>
public sealed record FanoutOptions(
    Uri PublisherUrl,
    IReadOnlyList<Uri> SubscriberUrls,
    int Subscribers,
    int Window,
    int MessageSize,
    TimeSpan Duration,
    TimeSpan Warmup,
    bool Insecure,
    string Room = "bench",
    TimeSpan? ReadyTimeout = null,
    TimeSpan? DeliveryTimeout = null);

/// <summary>
/// The fan-out mode: one publisher, N subscribers in one room. The publisher sends text messages carrying their
/// sequence number and send time; each subscriber records send-to-delivery latency. A closed loop like the echo
/// mode's: at most <see cref="FanoutOptions.Window"/> messages are outstanding, and one stops being outstanding when
/// the last subscriber got it. Before any measurement, probe messages are sent until every subscriber has received
/// one (a room join may take a moment, across a cluster seconds).
/// </summary>
public static class FanoutLoad
{
    private const string Probe = "probe";

    public static async Task<FanoutResult> RunAsync(FanoutOptions options, string mode, int repeat,
        ServerProbe? server = null, Action<LoadProgress>? progress = null, CancellationToken cancellation = default)
    {
        LoadOptions.RequireLoopback(options.PublisherUrl);
        foreach (var url in options.SubscriberUrls) LoadOptions.RequireLoopback(url);
        if (options.SubscriberUrls.Count == 0) throw new ArgumentException("at least one subscriber URL");

        var subscribers = new List<ChatConnection>();
        ChatConnection? publisher = null;
        var state = new RunState();
        using var stop = new CancellationTokenSource();
        try
        {
            for (int i = 0; i < options.Subscribers; i++)
            {
                var room = ChatConnection.RoomUrl(options.SubscriberUrls[i % options.SubscriberUrls.Count], options.Room);
                subscribers.Add(await ChatConnection.OpenAsync(room, "s" + i.ToString(CultureInfo.InvariantCulture), options.Insecure, cancellation));
                if ((i + 1) % 100 == 0) progress?.Invoke(new LoadProgress("connecting", TimeSpan.Zero, i + 1, 0));
            }
            publisher = await ChatConnection.OpenAsync(ChatConnection.RoomUrl(options.PublisherUrl, options.Room), "pub", options.Insecure, cancellation);

            var tracker = new DeliveryTracker(options.Window, options.Subscribers);
            var readers = subscribers.Select(s => Task.Run(() => tracker.ReadAsync(s, state, stop.Token), CancellationToken.None)).ToArray();
            var drain = Task.Run(async () =>
            {
                try { while (true) await publisher.ReadTextAsync(stop.Token); } // the sender gets no copy; drain whatever comes
                catch (Exception) { }
            }, CancellationToken.None);

            await WaitUntilEveryoneHearsAsync(publisher, tracker, options.ReadyTimeout ?? TimeSpan.FromSeconds(30), cancellation);

            var clock = Stopwatch.StartNew();
            var publishing = Task.Run(() => tracker.PublishAsync(publisher, options, state, stop.Token), CancellationToken.None);
            await Task.Delay(options.Warmup, cancellation);
            await tracker.QuiesceAsync(state, cancellation);
            bool peakReset = server?.ResetPeakRss() ?? false;
            var serverStart = server is null ? null : await server.ReadAsync();
            long deliveredAtStart = tracker.DeliveredInAll;
            var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
            long measureStart = Stopwatch.GetTimestamp();
            tracker.StartMeasuring(state);
            var end = clock.Elapsed + options.Duration;
            while (clock.Elapsed < end && !publishing.IsCompleted)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellation);
                progress?.Invoke(new LoadProgress("measuring", clock.Elapsed, tracker.Delivered, tracker.Errors));
            }
            state.EndMeasuring();
            double seconds = Stopwatch.GetElapsedTime(measureStart).TotalSeconds;
            double clientCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu).TotalSeconds;
            await tracker.QuiesceAsync(state, cancellation);
            var serverEnd = server is null ? null : await server.ReadAsync();
            var costs = serverStart is null || serverEnd is null ? null
                : ServerProbe.Costs(serverStart, serverEnd, peakReset, tracker.DeliveredInAll - deliveredAtStart);
            state.Stop();
            await stop.CancelAsync();
            await Task.WhenAny(Task.WhenAll(readers.Append(publishing).Append(drain)), Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));

            return new FanoutResult(mode, options.Subscribers, options.MessageSize, options.Window, repeat, seconds,
                tracker.PublishedMeasured, tracker.Delivered, tracker.Errors, tracker.FirstError,
                Latencies.Summarize(tracker.Latency()), clientCpuSeconds, costs);
        }
        finally
        {
            await stop.CancelAsync();
            if (publisher is not null) await publisher.DisposeAsync();
            await Task.WhenAll(subscribers.Select(s => s.DisposeAsync().AsTask()));
        }
    }

    private static async Task WaitUntilEveryoneHearsAsync(ChatConnection publisher, DeliveryTracker tracker, TimeSpan timeout,
        CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        while (!tracker.EveryoneHeardAProbe)
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"after {timeout.TotalSeconds:0} s, {tracker.SubscribersThatHeard} of {tracker.SubscriberCount} subscribers had received a message");
            await publisher.SendTextAsync(Probe, cancellation);
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellation);
        }
    }

    /// <summary>Message text: "SEQ TIMESTAMP " and padding up to the size.</summary>
    public static string Text(long sequence, long timestamp, int size)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"{sequence} {timestamp} ");
        return head.Length >= size ? head : head + new string('x', size - head.Length);
    }

    /// <summary>The sequence number and send time of a message text; false for anything else (probes).</summary>
    public static bool TryParse(string text, out long sequence, out long timestamp)
    {
        sequence = timestamp = 0;
        var parts = text.Split(' ', 3);
        return parts.Length >= 2
            && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out sequence)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out timestamp);
    }

    /// <summary>
    /// Who has which message: a countdown per outstanding message (a ring of <c>window</c> slots, by sequence), the
    /// publisher's credits, and the subscribers' latency histograms.
    /// </summary>
    private sealed class DeliveryTracker(int window, int subscribers)
    {
        private readonly int[] _remaining = new int[window];
        private readonly SemaphoreSlim _credits = new(window, window);
        private readonly List<LongHistogram> _histograms = [];
        private readonly HashSet<ChatConnection> _heard = [];
        private long _delivered, _deliveredInAll, _errors, _published, _publishedAtStart;
        private string? _firstError;

        public int SubscriberCount => subscribers;

        public int SubscribersThatHeard
        {
            get { lock (_heard) return _heard.Count; }
        }

        public bool EveryoneHeardAProbe => SubscribersThatHeard == subscribers;

        public long Delivered => Interlocked.Read(ref _delivered);

        /// <summary>Every delivery, warm-up included: the running count the server's readings are placed in.</summary>
        public long DeliveredInAll => Interlocked.Read(ref _deliveredInAll);

        public long Errors => Interlocked.Read(ref _errors);

        public string? FirstError => _firstError;

        public long PublishedMeasured => Interlocked.Read(ref _published) - _publishedAtStart;

        public void StartMeasuring(RunState state)
        {
            _publishedAtStart = Interlocked.Read(ref _published);
            state.StartMeasuring();
        }

        /// <summary>Pauses the publisher and waits until every message sent has reached every subscriber.</summary>
        public Task QuiesceAsync(RunState state, CancellationToken cancellation) => state.QuiesceAsync(TimeSpan.FromSeconds(60), cancellation);

        public LongHistogram Latency()
        {
            var merged = new LongHistogram(TimeStamp.Minutes(1), 3);
            lock (_histograms) foreach (var h in _histograms) merged.Add(h);
            return merged;
        }

        public async Task PublishAsync(ChatConnection publisher, FanoutOptions options, RunState state, CancellationToken stop)
        {
            var timeout = options.DeliveryTimeout ?? TimeSpan.FromSeconds(10);
            try
            {
                for (long sequence = 0; !state.Stopping; sequence++)
                {
                    if (!await _credits.WaitAsync(timeout, stop))
                        throw new TimeoutException($"a message was not delivered to all {subscribers} subscribers within {timeout.TotalSeconds:0} s");
                    while (!state.TrySend(1) && !state.Stopping) await state.WhenResumed();
                    if (state.Stopping) break;
                    Volatile.Write(ref _remaining[sequence % window], subscribers);
                    await publisher.SendTextAsync(Text(sequence, Stopwatch.GetTimestamp(), options.MessageSize), stop);
                    Interlocked.Increment(ref _published);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e) when (!state.Stopping)
            {
                Fail(e);
            }
        }

        public async Task ReadAsync(ChatConnection subscriber, RunState state, CancellationToken stop)
        {
            var histogram = new LongHistogram(TimeStamp.Minutes(1), 3);
            lock (_histograms) _histograms.Add(histogram);
            try
            {
                while (true)
                {
                    var text = await subscriber.ReadTextAsync(stop);
                    long now = Stopwatch.GetTimestamp();
                    if (!TryParse(text, out long sequence, out long sent))
                    {
                        lock (_heard) _heard.Add(subscriber);
                        continue;
                    }
                    Interlocked.Increment(ref _deliveredInAll);
                    if (state.Measuring)
                    {
                        histogram.RecordValue(Math.Max(0, now - sent));
                        Interlocked.Increment(ref _delivered);
                    }
                    if (Interlocked.Decrement(ref _remaining[sequence % window]) == 0)
                    {
                        state.Received(1);
                        _credits.Release();
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
            catch (Exception e) when (!state.Stopping)
            {
                Fail(e);
            }
            catch (Exception) { }
        }

        private void Fail(Exception e)
        {
            if (Interlocked.Increment(ref _errors) == 1) _firstError = e.Message;
        }
    }
}
