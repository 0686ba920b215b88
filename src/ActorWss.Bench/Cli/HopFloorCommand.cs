using System.Collections.Concurrent;
using System.Diagnostics;
using ActorWss.Bench.Load;
using ActorWss.Configuration;
using ActorWss.Tls;
using ActorWss.Transport;
using ActorWss.Transport.EventLoops;
using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace ActorWss.Bench.Cli;

/// <summary>
/// <c>hop-floor</c>: what offload mode's plumbing costs per step, with no TLS in the step. A stream on the server's
/// event-loop dispatcher hands an empty step to the offload dispatcher and takes it back through an async callback,
/// exactly as the TLS stage does with a record (the step joins its event loop's <see cref="OffloadBatcher"/>, which
/// hands each pass's steps to the pool together and completes them back on the loop through the stage's
/// <c>GetAsyncCallback</c>), one step in flight per stream. With one message in flight an offloaded echo takes two such round
/// trips (decrypt, encrypt) that an inline one does not, so this bounds how close offload can come to inline.
/// It also measures what one async entry into a running graph allocates, the part of a ws echo's allocation that
/// Akka.Streams' async callbacks put there (the event loop enters a connection's stream that way on each read).
/// </summary>
public static class HopFloorCommand
{
    public const string Usage = """
        hop-floor [options]                 offload's own cost per step, no TLS: an empty step to the offload dispatcher
                                            and back into its stream (server CPU and allocation per round trip), and the
                                            allocation of one async callback into a running stream
          --streams LIST                    concurrent streams, one step in flight each (default 1,100)
          -d, --duration T                  measured time per row (default 3s, after 1s of warm-up)
        """;

    public static Task<int> RunAsync(CommandArgs args)
    {
        var streams = args.IntList("--streams", [1, 100]);
        var duration = args.Duration("--duration", TimeSpan.FromSeconds(3));
        args.RejectUnknown();

        Console.WriteLine($"hop-floor: {Environment.ProcessorCount} CPU(s), {duration.TotalSeconds:0.#} s per row after 1 s of warm-up; " +
            "streams on the event-loop dispatcher, steps on actorwss.tls.offload-dispatcher (the server's defaults)");
        using var bench = new HopBench();
        foreach (int n in streams)
        {
            var row = bench.RoundTrips(n, duration, TimeSpan.FromSeconds(1));
            Console.WriteLine($"  {n,5} stream(s): {row.RoundTrips / row.Seconds,12:N0} round trips/s, {row.CpuUsPerRoundTrip,6:0.00} us CPU, " +
                $"{row.ContextSwitchesPerRoundTrip,5:0.00} context switches, {row.AllocatedBytesPerRoundTrip,5:0} B allocated per round trip");
        }
        double callback = bench.AsyncCallbackAllocation(200_000);
        Console.WriteLine($"  one async callback into a running stream, from a plain thread, at most 32 queued: {callback:0} B allocated " +
            "(200,000 invocations)");
        Console.WriteLine("  offload can reach at most I / (I + 2 H) of inline's echoes per CPU-second at one message in flight, " +
            "where I is an inline echo's server CPU and H the round trip's CPU above.");
        return Task.FromResult(0);
    }

    /// <summary>One row: round trips completed over the measured window and what they cost the process.</summary>
    public sealed record HopRow(int Streams, long RoundTrips, double Seconds, double CpuUsPerRoundTrip, double ContextSwitchesPerRoundTrip,
        double AllocatedBytesPerRoundTrip);

    /// <summary>An actor system with the server's dispatchers, and the streams measured on it.</summary>
    public sealed class HopBench : IDisposable
    {
        private readonly ActorSystem _system;
        private readonly IMaterializer _materializer;
        private readonly MessageDispatcher _offload;

        public HopBench()
        {
            var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING")
                .WithFallback(SettingsParser.Reference);
            _system = ActorSystem.Create("hop-floor", config);
            _materializer = _system.Materializer();
            _offload = _system.Dispatchers.Lookup("actorwss.tls.offload-dispatcher");
        }

        public HopRow RoundTrips(int streams, TimeSpan duration, TimeSpan warmUp)
        {
            var counter = new HopCounter();
            using var stop = new CancellationTokenSource();
            var batchers = new ConcurrentDictionary<EventLoop, OffloadBatcher>();
            OffloadBatcher BatcherFor(EventLoop loop) => batchers.GetOrAdd(loop, l => new OffloadBatcher(l, _offload));
            var ran = Enumerable.Range(0, streams).Select(_ => RunOnEventLoops(new HopLoop(BatcherFor, counter, stop.Token))).ToArray();
            Thread.Sleep(warmUp);

            int pid = Environment.ProcessId;
            var before = ProcStats.Sample(pid)!;
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            long tripsBefore = counter.Value;
            var clock = Stopwatch.StartNew();
            Thread.Sleep(duration);
            long trips = counter.Value - tripsBefore;
            double seconds = clock.Elapsed.TotalSeconds;
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var after = ProcStats.Sample(pid)!;

            stop.Cancel();
            if (!Task.WaitAll(ran, TimeSpan.FromSeconds(10))) throw new TimeoutException("hop-floor: the streams did not stop");
            var (voluntary, involuntary) = ProcStats.ContextSwitchesBetween(before, after);
            double cpu = after.UserSeconds + after.SystemSeconds - before.UserSeconds - before.SystemSeconds;
            long n = Math.Max(1, trips);
            return new HopRow(streams, trips, seconds, cpu * 1e6 / n, (double)(voluntary + involuntary) / n, (double)allocated / n);
        }

        /// <summary>
        /// Bytes allocated per invocation of a running stream's async callback, from one plain thread that keeps at
        /// most 32 invocations queued (the way back of a step, without the dispatcher's way there). Its CPU is not
        /// reported: the plain thread spins while it waits.
        /// </summary>
        public double AsyncCallbackAllocation(int invocations)
        {
            var counter = new HopCounter();
            var entry = new TaskCompletionSource<Action<bool>>();
            var done = RunOnEventLoops(new CallbackSource(counter, entry));
            var invoke = entry.Task.WaitAsync(TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
            long handled = 1000;
            Func<bool> caughtUp = () => counter.Value >= handled; // one delegate: the measured loop allocates nothing of its own
            for (int i = 0; i < handled; i++) invoke(false); // warm-up: the paths are compiled, the mailbox has its segments
            Await(caughtUp);

            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < invocations; i++)
            {
                invoke(false);
                if ((i & 31) != 31) continue;
                handled = 1000 + i - 31; // a bounded backlog: at most 32 queued
                Await(caughtUp);
            }
            handled = 1000 + invocations;
            Await(caughtUp);
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            invoke(true);
            if (!done.Wait(TimeSpan.FromSeconds(10))) throw new TimeoutException("hop-floor: the callback's stream did not stop");
            return (double)allocated / invocations;
        }

        /// <summary>Runs a stage as a stream on the server's event loops, where connection streams run.</summary>
        private Task RunOnEventLoops(IGraph<SourceShape<int>, NotUsed> stage) =>
            Source.FromGraph(stage)
                .WithAttributes(ActorAttributes.CreateDispatcher(EventLoopTransport.Dispatcher))
                .RunWith(Sink.Ignore<int>(), _materializer);

        private static void Await(Func<bool> condition)
        {
            if (!SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(30))) throw new TimeoutException("hop-floor: the stream stopped taking callbacks");
        }

        public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
    }

    private sealed class HopCounter
    {
        private long _value;
        public long Value => Interlocked.Read(ref _value);
        public void Increment() => Interlocked.Increment(ref _value);
    }

    /// <summary>A stream whose stage keeps one empty step on the offload dispatcher, as the TLS stage does with a batch.</summary>
    private sealed class HopLoop(Func<EventLoop, OffloadBatcher> batcherFor, HopCounter counter, CancellationToken stop) : GraphStage<SourceShape<int>>
    {
        private readonly Outlet<int> _out = new("hop.out");

        private Func<EventLoop, OffloadBatcher> BatcherFor { get; } = batcherFor;

        private HopCounter Counter { get; } = counter;

        private CancellationToken Stop { get; } = stop;

        public override SourceShape<int> Shape => new(_out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : OutGraphStageLogic, IOffloadedStep
        {
            private readonly HopLoop _stage;
            private Action<Logic>? _onDone;
            private OffloadBatcher? _batcher;

            public Logic(HopLoop stage) : base(stage.Shape)
            {
                _stage = stage;
                SetHandler(stage._out, this);
            }

            public override void PreStart()
            {
                _onDone = GetAsyncCallback<Logic>(OnDone);
                _batcher = _stage.BatcherFor(EventLoop.Current ?? throw new InvalidOperationException("hop-floor: not on an event loop"));
                _batcher.Add(this);
            }

            public override void OnPull() { } // emits nothing: the round trips are the work

            private void OnDone(Logic step)
            {
                _stage.Counter.Increment();
                if (_stage.Stop.IsCancellationRequested) CompleteStage();
                else _batcher!.Add(this);
            }

            void IOffloadedStep.RunOffloaded() { } // the step: nothing but the way there and back

            void IOffloadedStep.Complete() => _onDone!(this);
        }
    }

    /// <summary>A stream whose async callback counts its invocations, and completes the stream when told to.</summary>
    private sealed class CallbackSource(HopCounter counter, TaskCompletionSource<Action<bool>> entry) : GraphStage<SourceShape<int>>
    {
        private readonly Outlet<int> _out = new("callback.out");

        private HopCounter Counter { get; } = counter;

        private TaskCompletionSource<Action<bool>> Entry { get; } = entry;

        public override SourceShape<int> Shape => new(_out);

        protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

        private sealed class Logic : OutGraphStageLogic
        {
            private readonly CallbackSource _stage;

            public Logic(CallbackSource stage) : base(stage.Shape)
            {
                _stage = stage;
                SetHandler(stage._out, this);
            }

            public override void PreStart()
            {
                var callback = GetAsyncCallback<bool>(complete =>
                {
                    if (complete) CompleteStage();
                    else _stage.Counter.Increment();
                });
                _stage.Entry.SetResult(callback);
            }

            public override void OnPull() { }
        }
    }
}
