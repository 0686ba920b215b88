using System.Collections.Concurrent;
using Akka.Configuration;
using Akka.Dispatch;

namespace ActorWss.Tls;

/// <summary>
/// The executor of the default offload dispatcher (<c>executor = "ActorWss.Tls.OffloadPoolConfigurator, ActorWss"</c>):
/// <see cref="OffloadPool"/> with <c>dedicated-thread-pool.thread-count</c> threads (0: one per processor).
/// </summary>
internal sealed class OffloadPoolConfigurator(Config config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    public override ExecutorService Produce(string id)
    {
        int threads = Config.GetInt("dedicated-thread-pool.thread-count", 2);
        return new OffloadPool(id, threads > 0 ? threads : Environment.ProcessorCount);
    }
}

/// <summary>
/// A fixed set of threads that take work from one queue and, when there is none, block at once. Akka's
/// ForkJoinDispatcher (Helios' DedicatedThreadPool), the earlier default, first spins an idle worker through
/// <c>Thread.Sleep(0)</c>: with offloaded TLS steps arriving in batches, its workers are idle most of the time, and that
/// spinning was 10.7% of a wss-offload server's CPU samples (50 connections, 64 B, server and Go client sharing two
/// CPUs; perf): CPU taken from the event loops and the peer on the same cores. A step that finds a worker asleep pays
/// one wake-up instead; the batches (<see cref="OffloadBatcher"/>) keep those to one per loop pass.
/// </summary>
internal sealed class OffloadPool : ExecutorService
{
    private readonly ConcurrentQueue<IRunnable> _queue = new();
    private readonly object _gate = new(); // Monitor.Wait/Pulse: sleepers and stopping change only under it
    private int _sleepers;
    private bool _stopped;

    public OffloadPool(string id, int threads) : base(id)
    {
        for (int i = 0; i < threads; i++)
            new Thread(Work) { Name = $"{id}-{i}", IsBackground = true }.Start();
    }

    public override void Execute(IRunnable run)
    {
        _queue.Enqueue(run);
        // Dekker pairing with a worker's "counted as sleeping, queue still empty?" check, and with Shutdown.
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _stopped))
        {
            // The actor system is going away and the workers may be gone: what is still handed over runs on the .NET
            // pool, so that no step is lost.
            while (_queue.TryDequeue(out var left)) ThreadPool.UnsafeQueueUserWorkItem(left, preferLocal: false);
            return;
        }
        if (Volatile.Read(ref _sleepers) == 0) return;
        lock (_gate)
        {
            if (_sleepers == 0) return;
            _sleepers--;
            Monitor.Pulse(_gate);
        }
    }

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
