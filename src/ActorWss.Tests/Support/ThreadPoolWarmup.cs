using System.Runtime.CompilerServices;

namespace ActorWss.Tests.Support;

/// <summary>
/// The tests run many actor systems, servers and clients in one process, and Akka.TestKit blocks test threads while
/// it waits (actor system start-up, ExpectMsg, stream probes). On two cores the thread pool starts with two workers
/// and adds about one per half second when they are all blocked: a cold first run could stall for tens of seconds.
/// More workers from the start removes that wait; it changes no behaviour under test.
/// </summary>
internal static class ThreadPoolWarmup
{
    [ModuleInitializer]
    internal static void RaiseMinimumThreads()
    {
        ThreadPool.GetMinThreads(out int workers, out int io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
