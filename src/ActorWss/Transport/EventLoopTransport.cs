using ActorWss.Configuration;
using Akka.Streams.Dsl;

namespace ActorWss.Transport;

/// <summary>
/// The transport on event loops (<see cref="EventLoops.EventLoop"/>, Linux): sockets accepted as by
/// <see cref="SocketTransport"/>, each served by an <see cref="EventLoopSocketStage"/> whose stream runs on the loop that
/// polls its socket (the <c>actorwss.transport.event-loop-dispatcher</c>).
/// </summary>
internal sealed class EventLoopTransport(TransportSettings settings) : IServerTransport
{
    public const string Dispatcher = "actorwss.transport.event-loop-dispatcher";

    public string? ConnectionDispatcher => Dispatcher;

    public bool CoalescesWrites => true;

    public bool HandsOverReceivedBytes => true; // EventLoopSocketStage pushes a copy of each read

    public Source<AcceptedConnection, Task<TransportBinding>> Bind(string host, int port, int backlog) =>
        Source.FromGraph(new SocketListenerStage(host, port, backlog, settings.ReceiveBufferBytes, settings.SendTimeout,
            socket =>
            {
                var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return (Flow.FromGraph(new EventLoopSocketStage(socket, settings.SendTimeout, settings.WriteCoalesceBytes, ended, settings.CorkWrites)), ended.Task);
            }));
}
