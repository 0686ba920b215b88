using Akka.Configuration;
using Akka.Dispatch;

namespace ActorWss.Transport.EventLoops;

/// <summary>
/// An Akka dispatcher executor that runs each mailbox on an event loop, always the same loop for the same mailbox
/// (HOCON: <c>executor = "ActorWss.Transport.EventLoops.EventLoopExecutorConfigurator, ActorWss"</c>). Connection streams
/// run on it, so that a connection's interpreter runs on the thread that polls its socket.
/// </summary>
internal sealed class EventLoopExecutorConfigurator(Config config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    public override ExecutorService Produce(string id)
    {
        EventLoopGroup.Loops(Config.GetInt("event-loops", 0));
        return new EventLoopExecutor(id);
    }

    private sealed class EventLoopExecutor(string id) : ExecutorService(id)
    {
        public override void Execute(IRunnable run) => EventLoopGroup.For(run).Execute(run);

        public override void Shutdown()
        {
            // The loops are shared by the process, like the thread pool: nothing to stop per dispatcher.
        }
    }
}
