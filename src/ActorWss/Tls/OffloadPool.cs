using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.Dispatch;

namespace ActorWss.Tls;

/// <summary>
/// The executor of the default offload dispatcher (<c>executor = "ActorWss.Tls.OffloadPoolConfigurator, ActorWss"</c>):
/// <see cref="OffloadPool"/> with <c>dedicated-thread-pool.thread-count</c> threads, or with 0 there, one per
/// processor this process may run on times <c>dedicated-thread-pool.parallelism-factor</c>, rounded up (at least one).
/// </summary>
internal sealed class OffloadPoolConfigurator(Config config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    public override ExecutorService Produce(string id) => new OffloadPool(id, ThreadCount(Config));

    /// <summary>True when the dispatcher section <paramref name="dispatcher"/> runs on this executor.</summary>
    internal static bool Configures(Config dispatcher) =>
        dispatcher.GetString("executor", "").StartsWith(typeof(OffloadPoolConfigurator).FullName!, StringComparison.Ordinal);

    /// <summary>The pool size a dispatcher section gives, on this process's processors.</summary>
    internal static int ThreadCount(Config dispatcher) => ThreadCount(
        dispatcher.GetInt("dedicated-thread-pool.thread-count", 0),
        dispatcher.GetDouble("dedicated-thread-pool.parallelism-factor", 0.5),
        Environment.ProcessorCount);

    /// <summary>
    /// The pool's size. Half the processors by default: every offloaded batch is a hand-over to a pool thread and
    /// back, and a thread that is already awake takes it without a wake-up. With the event loops (one per processor)
    /// beside it, one pool thread on two processors cost 3-11% less server CPU per 64 B wss echo than two, at 50, 100,
    /// 200 and 500 connections (docs/bench/NOTES.md, "Offload pool size").
    /// </summary>
    internal static int ThreadCount(int configured, double factor, int processors)
    {
        if (configured > 0) return configured;
        if (configured < 0 || !(factor > 0) || double.IsInfinity(factor))
            throw new Akka.Configuration.ConfigurationException(
                $"offload pool: thread-count must be 0 (derived) or positive, parallelism-factor positive; got {configured} and {factor}");
        return Math.Max(1, (int)Math.Ceiling(processors * factor));
    }
}

/// <summary>
/// A fixed set of threads that take work from one queue and, when there is none, block at once. Akka's
/// ForkJoinDispatcher (Helios' DedicatedThreadPool), the earlier default, first spins an idle worker through
/// <c>Thread.Sleep(0)</c>: with offloaded TLS steps arriving in batches, its workers are idle most of the time, and that
/// spinning was 10.7% of a wss-offload server's CPU samples (50 connections, 64 B, server and Go client sharing two
/// CPUs; perf): CPU taken from the event loops and the peer on the same cores. A step that finds a worker asleep pays
/// one wake-up instead; the batches (<see cref="OffloadBatcher"/>) keep those to one per loop pass.
/// <para>
/// A sleeper is woken only when the workers already awake cannot take the new work at once: when none is awake, or
/// when more work waits than there are awake workers. One batch may so wait behind each running one, which costs
/// less than waking a thread for it. Against waking a sleeper for every hand-off, in one sitting (wss offload, server
/// and Go client sharing two CPUs, three interleaved rounds): context switches per echo 0.74-0.78 to 0.66-0.71 at 50
/// connections of 64 B, 0.53-0.55 to 0.47-0.48 at 100, and 9.8-10.0 to 8.9-9.0 at 10 connections of 64 KiB; server
/// CPU per echo (medians) 38.4 to 37.6, 35.4 to 31.3 and 465 to 447 µs. A pool of one thread, which never wakes a
/// second, costs less still at 64 B, hence the default size (<see cref="OffloadPoolConfigurator.ThreadCount(int, double, int)"/>).
/// </para>
/// </summary>
internal sealed class OffloadPool : ExecutorService
{
    private readonly ConcurrentQueue<IRunnable> _queue = new();
    private readonly object _gate = new(); // Monitor.Wait/Pulse: sleepers and stopping change only under it
    private readonly int _threads;
    private int _sleepers;
    private int _queued; // handed over and not yet taken by a worker
    private bool _stopped;

    public OffloadPool(string id, int threads) : base(id)
    {
        _threads = threads;
        for (int i = 0; i < threads; i++)
            new Thread(Work) { Name = $"{id}-{i}", IsBackground = true }.Start();
    }

    public override void Execute(IRunnable run)
    {
        _queue.Enqueue(run);
        // A full fence: Dekker pairing with a worker's "counted as sleeping, queue still empty?" check, and with Shutdown.
        int queued = Interlocked.Increment(ref _queued);
        if (Volatile.Read(ref _stopped))
        {
            // The actor system is going away and the workers may be gone: what is still handed over runs on the .NET
            // pool, so that no step is lost.
            while (_queue.TryDequeue(out var left)) ThreadPool.UnsafeQueueUserWorkItem(left, preferLocal: false);
            return;
        }
        int sleepers = Volatile.Read(ref _sleepers);
        // An awake worker looks at the queue again before it sleeps (the fence above pairs with that look), so while
        // the waiting work is no more than the awake workers, one of them takes it.
        if (sleepers == 0 || queued <= _threads - sleepers) return;
        lock (_gate)
        {
            if (_sleepers == 0) return;
            _sleepers--;
            Monitor.Pulse(_gate);
        }
    }

    /// <summary>The pool's threads.</summary>
    internal int Threads => _threads;

    /// <summary>Workers blocked waiting for work (tests).</summary>
    internal int Sleepers => Volatile.Read(ref _sleepers);

    public override void Shutdown()
    {
        lock (_gate)
        {
            Volatile.Write(ref _stopped, true);
            Monitor.PulseAll(_gate);
        }
    }

    private void Work()
    {
        while (true)
        {
            if (_queue.TryDequeue(out var work))
            {
                Interlocked.Decrement(ref _queued);
                Run(work);
                continue;
            }
            lock (_gate)
            {
                if (!_stopped)
                {
                    Interlocked.Increment(ref _sleepers); // a full fence before the queue is looked at again
                    if (!_queue.IsEmpty)
                    {
                        _sleepers--; // nobody can have pulsed for it: that takes the lock
                        continue;
                    }
                    Monitor.Wait(_gate); // whoever pulses has taken this sleeper off the count
                    continue;
                }
            }
            // Stopped: what an Execute racing the stop put in the queue still runs.
            while (_queue.TryDequeue(out var left)) Run(left);
            return;
        }
    }

    private static void Run(IRunnable work)
    {
        try
        {
            work.Run();
        }
        catch (Exception e)
        {
            // Mailboxes and offload batches catch what their work throws; anything here is a bug, and the worker must not die of it.
            Console.Error.WriteLine($"{Thread.CurrentThread.Name}: work failed: {e}");
        }
    }
}
