using ActorWss.Connections;
using Akka.Actor;

namespace ActorWss.Topics;

/// <summary>Watches topic subscribers and member watchers, and forgets those that stop.</summary>
internal sealed class SubscriberWatcher : ReceiveActor
{
    public sealed record Watch(IActorRef Subscriber);

    public SubscriberWatcher(WebSocketHub hub)
    {
        Receive<Watch>(watch => Context.Watch(watch.Subscriber));
        Receive<Terminated>(terminated => hub.RemoveActor(terminated.ActorRef));
    }
}
