using ActorWss.Transport.EventLoops;
using Akka.Dispatch;

namespace ActorWss.Tls;

/// <summary>A TLS step run away from its connection's thread, then completed back on it.</summary>
internal interface IOffloadedStep
{
    /// <summary>The record work, on an offload pool thread.</summary>
    void RunOffloaded();

    /// <summary>Hands the result to the connection's stream, on its event loop's thread.</summary>
    void Complete();
}

/// <summary>
/// The offloaded TLS steps of one event loop's connections, handed to the offload pool once per loop pass and handed
/// back once per batch, instead of once per step each way. Each crossing between threads is a queue, a wake-up and, on
/// a busy core, a context switch: measured here at 50 connections, about 8.7 µs per round trip, several times an
/// echo's crypto (the reference report's first cause; its fourth recommendation is this batching). The steps of one
/// pass run on one pool thread, in the order they came; the next pass's batch may run on another pool thread at the
/// same time. Each connection has at most one step per direction in flight, so a batch holds at most two per
/// connection, and a connection's steps complete in its own order.
/// </summary>
internal sealed class OffloadBatcher : IAfterPass
{
    private readonly EventLoop _loop;
    private readonly MessageDispatcher _pool;
    private readonly Stack<Batch> _free = new(); // batches back from the pool, for reuse: touched on the loop's thread only
    private Batch? _filling;                     // this pass's steps

    public OffloadBatcher(EventLoop loop, MessageDispatcher pool)
    {
        _loop = loop;
        _pool = pool;
    }

    /// <summary>Queues <paramref name="step"/> for the pool at the end of this pass. Call on the loop's thread.</summary>
    public void Add(IOffloadedStep step)
    {
        if (_filling is null)
        {
            _filling = _free.Count > 0 ? _free.Pop() : new Batch(this);
            _loop.AfterPass(this);
        }
        _filling.Steps.Add(step);
    }

    void IAfterPass.AfterPass()
    {
        var batch = _filling!;
        _filling = null;
        _pool.Schedule(batch);
    }

    /// <summary>Runs on the pool (the steps' work), then on the loop (their completions), then waits in the free list.</summary>
    private sealed class Batch(OffloadBatcher owner) : IRunnable
    {
        public readonly List<IOffloadedStep> Steps = [];
        private bool _worked; // published to the other thread by the queue that carries the batch there

        public void Run()
        {
            if (!_worked)
            {
                foreach (var step in Steps)
                {
                    try { step.RunOffloaded(); } // records its own errors for its stream; anything else is a bug
                    catch (Exception e) { Console.Error.WriteLine($"tls offload: a step failed: {e}"); }
                }
                _worked = true;
                owner._loop.Execute(this);
                return;
            }
            foreach (var step in Steps)
            {
                try
                {
                    step.Complete();
                }
                catch (Exception e)
                {
                    // One connection's failure must not leave the others' steps uncompleted (their streams would wait forever).
                    Console.Error.WriteLine($"tls offload: completing a step failed: {e}");
                }
            }
            Steps.Clear();
            _worked = false;
            owner._free.Push(this);
        }

        void IThreadPoolWorkItem.Execute() => Run();
    }
}
