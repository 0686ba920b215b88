using System.Runtime.CompilerServices;

namespace ActorWss.Transport.EventLoops;

/// <summary>
/// The event loops of this process: one per processor the process may run on, unless configured otherwise, started the
/// first time they are needed and shared by every actor system in the process (they are threads, like the thread pool).
/// </summary>
internal static class EventLoopGroup
{
    private static readonly Lock Gate = new();
    private static EventLoop[]? _loops;

    /// <summary>How many loops to start (0: one per processor); only the first call that starts them decides.</summary>
    public static EventLoop[] Loops(int count = 0)
    {
        var loops = Volatile.Read(ref _loops);
        if (loops is not null) return loops;
        lock (Gate)
        {
            if (_loops is not null) return _loops;
            int n = count > 0 ? count : Environment.ProcessorCount;
            _loops = [.. Enumerable.Range(0, n).Select(i => new EventLoop($"actorwss-loop-{i}"))];
            return _loops;
        }
    }

    /// <summary>
    /// The loop that runs <paramref name="work"/> (an actor's mailbox): always the same one for the same object, so a
    /// stream's interpreter and the sockets it registered stay on one thread.
    /// </summary>
    public static EventLoop For(object work)
    {
        var loops = Loops();
        return loops[(RuntimeHelpers.GetHashCode(work) & int.MaxValue) % loops.Length];
    }
}
