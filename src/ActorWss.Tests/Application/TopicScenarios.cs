using System.Net.WebSockets;
using ActorWss.Connections;
using ActorWss.Routing;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorWss.Tests.Application;

/// <summary>
/// Topics: every publish reaches every subscriber once, in order per publisher; a subscriber that does not read is
/// dropped from or closed by its own queue's policy while the others keep receiving; plain actors subscribe too.
/// </summary>
public abstract class TopicScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    /// <summary><c>/topic?name=T</c>: the connection subscribes to T and publishes what its client sends to the others.</summary>
    private sealed class TopicMember : WebSocketActor
    {
        public TopicMember()
        {
            var hub = WebSocketHub.Get(Context.System);
            string topic = "";
            Receive<Connected>(c =>
            {
                topic = c.Info.Request.GetQueryParameter("name") ?? "default";
                hub.Subscribe(topic, Connection);
                c.Info.Connection.Tell(Message.Text("subscribed")); // tells the client it may start
            });
            Receive<Message>(m => hub.Publish(topic, m, except: Connection));
        }
    }

    private Task<Server.ActorWssServer> StartAsync(params string[] overrides) =>
        StartServerAsync(ws => ws.MapRoute("topic", "/topic", WebSocketHandler.FromActor<TopicMember>()), overrides);

    private static async Task<ClientWebSocket> JoinAsync(Server.ActorWssServer server, string topic)
    {
        var client = await ConnectClientAsync(new Uri(UrlOf(server), "/topic?name=" + topic));
        Assert.Equal("subscribed", await client.ReceiveTextAsync());
        return client;
    }

    [Fact]
    public async Task Every_publish_reaches_every_other_subscriber_once_and_in_order_per_publisher()
    {
        var server = await StartAsync();
        var publishers = new[] { await JoinAsync(server, "t"), await JoinAsync(server, "t") };
        var listeners = new[] { await JoinAsync(server, "t"), await JoinAsync(server, "t"), await JoinAsync(server, "t") };
        using var elsewhere = await JoinAsync(server, "other");
        const int count = 100;

        await Task.WhenAll(publishers.Select(async (publisher, p) =>
        {
            for (int i = 0; i < count; i++) await publisher.SendTextAsync($"p{p}:{i}");
        }));

        foreach (var client in listeners.Concat(publishers))
        {
            int expected = publishers.Contains(client) ? count : 2 * count;
            var received = new List<string>();
            for (int i = 0; i < expected; i++) received.Add(await client.ReceiveTextAsync());
            for (int p = 0; p < publishers.Length; p++)
            {
                var fromP = received.Where(m => m.StartsWith($"p{p}:", StringComparison.Ordinal)).ToList();
                bool own = client == publishers[p];
                Assert.Equal(own ? [] : Enumerable.Range(0, count).Select(i => $"p{p}:{i}"), fromP);
            }
        }
        // The subscriber of another topic got none of it: the first message it receives is the next one published there.
        WebSocketHub.Get(Sys).Publish("other", Message.Text("only for other"));
        Assert.Equal("only for other", await elsewhere.ReceiveTextAsync());
        foreach (var client in publishers.Concat(listeners)) client.Dispose();
    }

    [Fact]
    public async Task A_subscriber_that_does_not_read_is_closed_with_1013_and_the_others_get_everything()
    {
        var server = await StartAsync("actorwss.routes.topic.outbound.queue-size=8", "actorwss.routes.topic.outbound.overflow=close-1013",
            "actorwss.websocket.close-timeout=1s");
        var hub = WebSocketHub.Get(Sys);
        using var reader1 = await JoinAsync(server, "feed");
        using var reader2 = await JoinAsync(server, "feed");
        await using var stuck = await RawWebSocketClient.OpenAsync(UrlOf(server), "/topic?name=feed"); // never reads again
        await AwaitAssertAsync(() => Assert.Equal(3, hub.SubscriberCount("feed")), Timeout);

        // Paced by the readers (a burst faster than any client reads would overflow every queue of 8, by design): only
        // the stuck client's queue fills, once its socket buffers are full. ~19 MiB is far more than they hold.
        var payload = new string('x', 64 * 1024);
        const int count = 300;
        for (int i = 0; i < count; i++)
        {
            hub.Publish("feed", Message.Text($"{i}:{payload}"));
            Assert.Equal($"{i}:{payload}", await reader1.ReceiveTextAsync());
            Assert.Equal($"{i}:{payload}", await reader2.ReceiveTextAsync());
        }

        var metrics = server.Metrics[Listener];
        await AwaitAssertAsync(() => Assert.Equal(1, metrics.OverflowCloses["topic", "1013"]), Timeout);
        await AwaitAssertAsync(async () => Assert.Equal(2, await server.ConnectionCountAsync()), Timeout);
        Assert.Equal(2, hub.SubscriberCount("feed"));
    }

    [Fact]
    public async Task A_subscriber_that_does_not_read_loses_the_oldest_messages_under_drop_oldest_and_stays_connected()
    {
        var server = await StartAsync("actorwss.routes.topic.outbound.queue-size=8", "actorwss.routes.topic.outbound.overflow=drop-oldest");
        var hub = WebSocketHub.Get(Sys);
        using var reader = await JoinAsync(server, "feed");
        await using var stuck = await RawWebSocketClient.OpenAsync(UrlOf(server), "/topic?name=feed");
        await AwaitAssertAsync(() => Assert.Equal(2, hub.SubscriberCount("feed")), Timeout);

        var payload = new string('y', 64 * 1024);
        const int count = 300;
        for (int i = 0; i < count; i++)
        {
            hub.Publish("feed", Message.Text($"{i}:{payload}"));
            Assert.Equal($"{i}:{payload}", await reader.ReceiveTextAsync());
        }

        var metrics = server.Metrics[Listener];
        await AwaitAssertAsync(() => Assert.True(metrics.OutboundDropped["topic", "drop-oldest"] > 0), Timeout);
        Assert.Equal(0, metrics.OverflowCloses["topic", "1013"]);
        Assert.Equal(2, await server.ConnectionCountAsync());
    }

    [Fact]
    public async Task A_plain_actor_subscriber_receives_published_messages_and_leaves_when_it_stops()
    {
        var server = await StartAsync();
        var hub = WebSocketHub.Get(Sys);
        var probe = CreateTestProbe();
        using var member = await JoinAsync(server, "mixed");
        hub.Subscribe("mixed", probe.Ref);

        await member.SendTextAsync("from a client");
        var published = probe.ExpectMsg<Published>(Timeout);
        Assert.Equal("mixed", published.Topic);
        Assert.Equal("from a client", published.Message.GetText());

        hub.Publish("mixed", Message.Text("from the server"));
        Assert.Equal("from the server", probe.ExpectMsg<Published>(Timeout).Message.GetText());
        Assert.Equal("from the server", await member.ReceiveTextAsync());

        Watch(probe.Ref);
        Sys.Stop(probe.Ref);
        ExpectTerminated(probe.Ref, Timeout);
        await AwaitAssertAsync(() => Assert.Equal(1, hub.SubscriberCount("mixed")), Timeout);
        await member.CloseAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        await AwaitAssertAsync(() => Assert.Equal(0, hub.SubscriberCount("mixed")), Timeout);
    }
}

public sealed class TopicsOverWs(ITestOutputHelper output) : TopicScenarios(output, ServerMode.Ws);

public sealed class TopicsOverWssInline(ITestOutputHelper output) : TopicScenarios(output, ServerMode.WssInline);

public sealed class TopicsOverWssOffload(ITestOutputHelper output) : TopicScenarios(output, ServerMode.WssOffload);
