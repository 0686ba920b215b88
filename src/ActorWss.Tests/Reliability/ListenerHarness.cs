using ActorWss.Configuration;
using ActorWss.Handlers;
using ActorWss.Http;
using ActorWss.Metrics;
using ActorWss.Server;
using ActorWss.Transport;
using ActorWss.WebSocket;
using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;

namespace ActorWss.Tests.Reliability;

/// <summary>A ws:// listener actor started on its own, with the handler or transport a test needs (one that fails, say).</summary>
internal sealed record HarnessListener(IActorRef Actor, Uri Url, ListenerMetrics Metrics)
{
    public Task<int> ConnectionCountAsync() => Actor.Ask<int>(ListenerActor.GetConnectionCount.Instance, TimeSpan.FromSeconds(10));
}

internal static class ListenerHarness
{
    public static async Task<HarnessListener> StartAsync(ActorSystem system, IMessageHandler handler, IServerTransport? transport = null,
        params string[] overrides)
    {
        var settings = SettingsParser.Parse(ConfigLoader.ParseOverrides(["actorwss.listeners.ws.port=0", .. overrides]));
        var listener = settings.Listeners.Single();
        var metrics = new ListenerMetrics(listener.Name);
        var router = new RequestRouter(new HandshakePolicy(settings.Http.AllowedOrigins, settings.WebSocket.Subprotocols), [HealthEndpoint.Handle]);
        var pipeline = new ConnectionPipeline(settings, null, router, handler, metrics);
        var actor = system.ActorOf(ListenerActor.Props(listener, transport ?? TransportFactory.Create(system, settings.Transport), pipeline));
        var bound = await actor.Ask<ListenerActor.Bound>(ListenerActor.GetBinding.Instance, TimeSpan.FromSeconds(30));
        return new HarnessListener(actor, new Uri($"ws://127.0.0.1:{bound.Endpoint.Port}/"), metrics);
    }
}

/// <summary>A handler that fails on the first message it gets (a bug in application code).</summary>
internal sealed class FailingHandler : IMessageHandler
{
    public Flow<Message, Message, NotUsed> Create(ConnectionContext context) => Flow.Create<Message>().Select(Fail);

    private static Message Fail(Message message) => throw new InvalidOperationException("handler bug");
}
