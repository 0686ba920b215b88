using ActorWss.Hosting;
using ActorWss.Routing;

namespace ActorWss.Samples.Chat;

/// <summary>Adds the chat to an ActorWss server: <c>ws.AddChat()</c> inside <c>AddActorWss(...)</c> or <c>ActorWssApplication.RunAsync</c>.</summary>
public static class ChatSample
{
    /// <summary>
    /// Registers the <c>chat</c> handler and serves it at <c>/chat</c> (route <c>chat</c>: text messages of at most
    /// 4 KiB). Configuration can change the route (<c>actorwss.routes.chat.*</c>), e.g. <c>auth = jwt</c>, or turn it
    /// off (<c>enabled = off</c>).
    /// </summary>
    public static ActorWssBuilder AddChat(this ActorWssBuilder ws) => ws
        .MapRoute("chat", "/chat", WebSocketHandler.FromActor<ChatConnection>())
        .AddDefaultConfig("""
            actorwss.routes.chat {
              max-message-size = 4KiB
              # A room member who cannot keep up misses the oldest lines rather than holding up the room.
              outbound.overflow = drop-oldest
            }
            """);
}
