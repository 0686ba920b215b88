using System.Collections.Concurrent;
using Akka.Dispatch;

namespace ActorWss.Transport.EventLoops;

/// <summary>
/// One thread that waits on one epoll instance and runs work: the reference report's "one event loop per core". The
/// connections assigned to it (their sockets registered here, their stream interpreters' mailboxes run here) are served
/// without handing anything to another thread: a socket's readiness, the stream's reaction to it and the send all
/// happen in one pass of this thread.
/// <para>
/// Each pass runs the work queued so far (work queued meanwhile waits for the next pass, so that sockets are polled
/// between), then polls the sockets: without waiting when work is queued, else until a socket is ready or another
/// thread queues work (an eventfd wakes the thread then). What asked to run at the end of the pass
/// (<see cref="AfterPass"/>: offloaded TLS steps gathered from many connections) runs before the poll.
/// </para>
/// </summary>
internal sealed class EventLoop
{
    private const ulong WakeToken = ulong.MaxValue;

    [ThreadStatic] private static EventLoop? _current;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Epoll.Buffer _events = new(256);
    private readonly ConcurrentQueue<IRunnable> _incoming = new();
    private readonly Queue<IRunnable> _local = new();
    private readonly Dictionary<ulong, IReadinessHandler> _handlers = [];
    private readonly List<IFlushAfterWork> _flushes = [];
    private readonly List<IAfterPass> _afterPass = [];
    private readonly Thread _thread;
    private ulong _nextToken;
    private int _sleeping;

    public EventLoop(string name)
    {
        _epoll = Epoll.Create();
        _wake = Epoll.CreateEventFd();
        Epoll.Add(_epoll, _wake, Epoll.In, WakeToken);
        _thread = new Thread(Run) { Name = name, IsBackground = true };
        _thread.Start();
    }

    /// <summary>The loop whose thread this is; null on any other thread.</summary>
    public static EventLoop? Current => _current;

    /// <summary>A receive buffer shared by every socket of this loop: they are read one at a time, on this thread.</summary>
    public byte[] ReceiveBuffer { get; } = GC.AllocateUninitializedArray<byte>(64 * 1024, pinned: true);

    /// <summary>Runs <paramref name="work"/> on this loop's thread, in order with other work queued from the same thread.</summary>
    public void Execute(IRunnable work)
    {
        if (_current == this)
        {
            _local.Enqueue(work);
            return;
        }
        _incoming.Enqueue(work);
        // Dekker pairing with the loop's "sleeping, queue empty?" check: the enqueue above is a full fence.
        if (Volatile.Read(ref _sleeping) == 1 && Interlocked.CompareExchange(ref _sleeping, 0, 1) == 1) Epoll.Signal(_wake);
    }

    /// <summary>Watches <paramref name="fd"/> edge-triggered for reading, writing and hang-up. Call on this loop's thread.</summary>
    public ulong Register(int fd, IReadinessHandler handler)
    {
        AssertOnLoop();
        var token = ++_nextToken;
        _handlers[token] = handler;
        Epoll.Add(_epoll, fd, Epoll.In | Epoll.Out | Epoll.RdHup | Epoll.EdgeTriggered, token);
        return token;
    }

    /// <summary>Stops watching; call on this loop's thread, before the socket is closed.</summary>
    public void Unregister(int fd, ulong token)
    {
        AssertOnLoop();
        _handlers.Remove(token);
        Epoll.Remove(_epoll, fd);
    }

    /// <summary>
    /// Calls <paramref name="flush"/> once the work item running now returns: a connection's stream holds its writes
    /// until it has done everything it can with what it read, then sends them in one write. Call on this loop's thread.
    /// </summary>
    public void FlushAfterWork(IFlushAfterWork flush)
    {
        AssertOnLoop();
        _flushes.Add(flush);
    }

    /// <summary>
    /// Calls <paramref name="after"/> once the work of this pass (everything queued so far and the flushes after it)
    /// has run, before the loop polls or sleeps: work gathered from many connections in one pass leaves together.
    /// Call on this loop's thread; it is called once per call.
    /// </summary>
    public void AfterPass(IAfterPass after)
    {
        AssertOnLoop();
        _afterPass.Add(after);
    }

    private void AssertOnLoop()
    {
        if (_current != this) throw new InvalidOperationException($"{_thread.Name}: registrations happen on the loop's own thread");
    }

    private void Run()
    {
        _current = this;
        while (true)
        {
            RunQueued();
            if (_flushes.Count > 0) RunFlushes(); // asked for outside any work item: never left waiting on a poll
            if (_afterPass.Count > 0) RunAfterPass();
            int timeout = 0;
            if (_local.Count == 0)
            {
                Interlocked.Exchange(ref _sleeping, 1);
                if (_incoming.IsEmpty) timeout = -1;
                else Volatile.Write(ref _sleeping, 0);
            }
            int ready = Epoll.Wait(_epoll, _events, timeout);
            Volatile.Write(ref _sleeping, 0);
            for (int i = 0; i < ready; i++)
            {
                var (events, token) = _events[i];
                if (token == WakeToken) Epoll.Drain(_wake);
                else if (_handlers.TryGetValue(token, out var handler)) Dispatch(handler, events);
            }
        }
    }

    /// <summary>Runs what was queued before this pass (what it queues itself waits for the next one).</summary>
    private void RunQueued()
    {
        while (_incoming.TryDequeue(out var work)) _local.Enqueue(work);
        for (int n = _local.Count; n > 0 && _local.TryDequeue(out var work); n--) Guarded(work);
    }

    private void Guarded(IRunnable work)
    {
        try
        {
            work.Run();
        }
        catch (Exception e)
        {
            // Mailboxes catch what actors throw; anything here is a bug, and the loop must not die of it.
            Console.Error.WriteLine($"{_thread.Name}: work failed: {e}");
        }
        if (_flushes.Count > 0) RunFlushes();
    }

    private void RunFlushes() => RunEach(_flushes, static flush => flush.Flush(), "flush");

    private void RunAfterPass() => RunEach(_afterPass, static after => after.AfterPass(), "end of pass");

    /// <summary>Calls each of <paramref name="pending"/> once, in order (one failing does not skip the rest), then forgets them.</summary>
    private void RunEach<T>(List<T> pending, Action<T> call, string what)
    {
        for (int i = 0; i < pending.Count; i++)
        {
            try
            {
                call(pending[i]);
            }
            catch (Exception e)
            {
                Console.Error.WriteLine($"{_thread.Name}: {what} failed: {e}");
            }
        }
        pending.Clear();
    }

    private void Dispatch(IReadinessHandler handler, uint events)
    {
        try
        {
            handler.OnReady(events);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"{_thread.Name}: readiness handler failed: {e}");
        }
    }
}
