using Akka.Actor;

namespace ActorWss.Topics;

/// <summary>Watches topic subscribers and removes those that stop from every topic.</summary>
internal sealed class SubscriberWatcher : ReceiveActor
{
    public sealed record Watch(IActorRef Subscriber);

    public SubscriberWatcher(TopicRegistry topics)
    {
        Receive<Watch>(watch => Context.Watch(watch.Subscriber));
        Receive<Terminated>(terminated => topics.RemoveSubscriber(terminated.ActorRef));
    }
}
