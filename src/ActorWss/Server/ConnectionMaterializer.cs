using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Implementation;
using Akka.Util;

namespace ActorWss.Server;

/// <summary>
/// The materializer of one connection's stream: its interpreter actor is a child of the connection actor itself, so
/// the stream lives no longer than the actor (a materializer shared by connections would leave a graph to end on its
/// own, and a send to the connection's address could then vanish uncounted). Akka's <c>Context.Materializer()</c>
/// gives the same lifetime with a stream-supervisor actor in between, one more actor per connection (about 1.3 KiB
/// of every idle connection); Akka's materializer takes any started local actor as that supervisor.
/// </summary>
internal static class ConnectionMaterializer
{
    private static readonly EnumerableActorName StreamNames = EnumerableActorName.Create("connection");

    public static IMaterializer For(IActorContext context, ActorMaterializerSettings settings) =>
        context.Self is LocalActorRef or RepointableActorRef { IsStarted: true }
            ? new ActorMaterializerImpl(context.System, settings, context.System.Dispatchers, context.Self, new AtomicBoolean(), StreamNames)
            // Not started yet: Akka would ask the actor for its child, from inside the actor. The supervisor's way.
            : context.Materializer(settings, namePrefix: "connection");
}
