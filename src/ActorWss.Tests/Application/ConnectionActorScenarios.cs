using System.Net.WebSockets;
using ActorWss.Connections;
using ActorWss.Routing;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Akka.Actor;
using Akka.Event;
using Xunit.Abstractions;

namespace ActorWss.Tests.Application;

/// <summary>
/// Connection actors on real sockets: one actor per connection, Connected, every message, then Closed, in order; state
/// per connection; a failing actor closes only its own connection with 1011; an actor that stops closes it with 1000.
/// </summary>
public abstract class ConnectionActorScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    /// <summary>What the test sees of each connection actor's life.</summary>
    private sealed record Event(string Kind, string Connection, string Detail);

    /// <summary>Answers every message with how many it has had on this connection; "boom" throws, "bye" stops it.</summary>
    private sealed class CountingActor : WebSocketActor
    {
        public CountingActor(IActorRef observer)
        {
            int count = 0;
            Receive<Connected>(c => observer.Tell(new Event("connected", c.Info.Id, c.Info.Request.GetQueryParameter("tag") ?? "")));
            Receive<Message>(m =>
            {
                var text = m.GetText();
                observer.Tell(new Event("message", Info.Id, text));
                if (text == "boom") throw new InvalidOperationException("boom (a test's deliberate failure)");
                Sender.Tell(Message.Text($"{++count}:{text}"));
                if (text == "bye") Context.Stop(Self);
            });
            Receive<Closed>(c => observer.Tell(new Event("closed", Info.Id, $"{c.Code} by-peer={c.ByPeer}")));
        }
    }

    private Task<Server.ActorWssServer> StartCountingServerAsync(params string[] overrides) =>
        StartServerAsync(ws => ws.MapRoute("counting", "/count", WebSocketHandler.FromActor(_ => Props.Create(() => new CountingActor(TestActor)))),
            overrides);

    private static Uri At(Server.ActorWssServer server, string pathAndQuery) => new(UrlOf(server), pathAndQuery);

    [Fact]
    public async Task A_close_sent_with_the_upgrade_request_is_answered_at_once()
    {
        // The Close arrives in the same packet as the request, so the connection reads it before its actor has been
        // started. It must still be answered once the actor is there (1000, RFC 6455 §5.5.1), not at the close timeout
        // (made longer than the test waits).
        var server = await StartCountingServerAsync("actorwss.websocket.close-timeout=10m");
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));
        var url = UrlOf(server);
        await client.SendAsync([.. System.Text.Encoding.ASCII.GetBytes(RawWebSocketClient.UpgradeRequest(url, "/count?tag=early")),
            .. ClientFrames.Close(CloseStatus.Normal, "early")]);

        Assert.Equal(101, (await client.ReadResponseHeadAsync()).Status);
        var reply = await client.ReadCloseAsync();
        Assert.Equal(CloseStatus.Normal, reply.CloseCode);
        Assert.True(await client.WaitForServerCloseAsync(), "the server kept the TCP connection open after the close handshake");
    }

    [Fact]
    public async Task A_message_sent_with_the_upgrade_request_reaches_the_actor_after_connected()
    {
        // The message is read with the request, so the connection can deliver it the moment its handler starts: the
        // actor must still see Connected first (its Info is only there from then on; before, the handler throws and
        // the connection closes with 1011). Many connections at once, because a wrong order is a race.
        var server = await StartCountingServerAsync();
        var url = UrlOf(server);
        var clients = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var client = await RawWebSocketClient.ConnectAsync(url);
            await client.SendAsync([.. System.Text.Encoding.ASCII.GetBytes(RawWebSocketClient.UpgradeRequest(url, $"/count?tag=t{i}")),
                .. ClientFrames.Build(Opcode.Text, "early"u8)]);
            return client;
        }));
        try
        {
            foreach (var client in clients)
            {
                Assert.Equal(101, (await client.ReadResponseHeadAsync()).Status);
                var reply = await client.ReadFrameAsync();
                Assert.Equal(Opcode.Text, reply.Opcode);
                Assert.Equal("1:early", System.Text.Encoding.UTF8.GetString(reply.Payload));
            }
        }
        finally
        {
            foreach (var client in clients) await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Each_connection_gets_its_own_actor_that_sees_connected_its_messages_and_closed_in_order()
    {
        // The close timeout is longer than the test waits: the peers' Closes must be answered once the actor has
        // handled their last messages, not when the timeout gives up on it.
        var server = await StartCountingServerAsync("actorwss.websocket.close-timeout=10m");
        using var a = await ConnectClientAsync(At(server, "/count?tag=a"));
        using var b = await ConnectClientAsync(At(server, "/count?tag=b"));

        foreach (var text in new[] { "x", "y", "z" })
        {
            await a.SendTextAsync(text);
            await b.SendTextAsync(text + text);
        }
        Assert.Equal(["1:x", "2:y", "3:z"], [await a.ReceiveTextAsync(), await a.ReceiveTextAsync(), await a.ReceiveTextAsync()]);
        Assert.Equal(["1:xx", "2:yy", "3:zz"], [await b.ReceiveTextAsync(), await b.ReceiveTextAsync(), await b.ReceiveTextAsync()]);
        await a.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(Timeout);
        await b.CloseAsync(WebSocketCloseStatus.EndpointUnavailable, "going", CancellationToken.None).WaitAsync(Timeout);

        var events = ReceiveN(2 + 6 + 2, Timeout).Cast<Event>().ToList();
        var byConnection = events.GroupBy(e => e.Connection).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(2, byConnection.Count);
        var tags = byConnection.Values.Select(life => life[0].Detail).Order().ToArray();
        Assert.Equal(["a", "b"], tags);
        foreach (var life in byConnection.Values)
        {
            bool isA = life[0].Detail == "a";
            Assert.Equal(["connected", "message", "message", "message", "closed"], life.Select(e => e.Kind));
            Assert.Equal(isA ? ["x", "y", "z"] : ["xx", "yy", "zz"], life.Skip(1).Take(3).Select(e => e.Detail));
            Assert.Equal(isA ? "1000 by-peer=True" : "1001 by-peer=True", life[4].Detail);
        }
    }

    /// <summary>Handles messages only, like most echo-style actors; tells the observer when it has stopped.</summary>
    private sealed class MessagesOnlyActor : WebSocketActor
    {
        private readonly IActorRef _observer;

        public MessagesOnlyActor(IActorRef observer)
        {
            _observer = observer;
            Receive<Message>(m => Send(m));
        }

        protected override void PostStop() => _observer.Tell("stopped");
    }

    [Fact]
    public async Task An_actor_without_connected_and_closed_handlers_reports_nothing_unhandled_but_other_messages_are()
    {
        var observer = CreateTestProbe();
        Sys.EventStream.Subscribe(observer.Ref, typeof(UnhandledMessage));
        var server = await StartServerAsync(ws => ws.MapRoute("messages", "/messages",
            WebSocketHandler.FromActor(_ => Props.Create(() => new MessagesOnlyActor(observer.Ref)))));
        using (var client = await ConnectClientAsync(At(server, "/messages")))
        {
            await client.SendTextAsync("ping");
            Assert.Equal("ping", await client.ReceiveTextAsync());
            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None).WaitAsync(Timeout);
        }

        // The unhandled reports would be published from the actor before its PostStop, so they would come first.
        var seen = new List<object>();
        observer.FishForMessage(m => { seen.Add(m); return m is "stopped"; }, Timeout);
        Assert.DoesNotContain(seen, m => m is UnhandledMessage { Message: Connected or Closed });

        // Anything else the actor does not handle is still reported, as for any actor.
        var other = Sys.ActorOf(Props.Create(() => new MessagesOnlyActor(observer.Ref)));
        other.Tell(42);
        var report = observer.FishForMessage<UnhandledMessage>(u => u.Message is 42, Timeout);
        Assert.Equal(other, report.Recipient);
    }

    [Fact]
    public async Task An_actor_that_throws_closes_its_connection_with_1011_and_no_other()
    {
        var server = await StartCountingServerAsync();
        using var failing = await ConnectClientAsync(At(server, "/count?tag=failing"));
        using var other = await ConnectClientAsync(At(server, "/count?tag=other"));

        await failing.SendTextAsync("boom");

        Assert.Equal(WebSocketCloseStatus.InternalServerError, await failing.ReceiveCloseAsync());
        await other.SendTextAsync("still");
        Assert.Equal("1:still", await other.ReceiveTextAsync());
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task An_actor_that_stops_closes_its_connection_with_1000_after_what_it_sent()
    {
        var server = await StartCountingServerAsync();
        using var client = await ConnectClientAsync(At(server, "/count"));

        await client.SendTextAsync("hi");
        await client.SendTextAsync("bye");

        Assert.Equal("1:hi", await client.ReceiveTextAsync());
        Assert.Equal("2:bye", await client.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_server_that_closes_tells_the_actor_closed_with_its_code()
    {
        var server = await StartCountingServerAsync();
        using var client = await ConnectClientAsync(At(server, "/count?tag=a"));
        var connected = ExpectMsg<Event>(Timeout);

        await server.DrainAsync(Timeout, CloseStatus.GoingAway, "maintenance");

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await client.ReceiveCloseAsync());
        var closed = ExpectMsg<Event>(Timeout);
        Assert.Equal(new Event("closed", connected.Connection, "1001 by-peer=False"), closed);
    }
}

public sealed class ConnectionActorsOverWs(ITestOutputHelper output) : ConnectionActorScenarios(output, ServerMode.Ws);

public sealed class ConnectionActorsOverWssInline(ITestOutputHelper output) : ConnectionActorScenarios(output, ServerMode.WssInline);

public sealed class ConnectionActorsOverWssOffload(ITestOutputHelper output) : ConnectionActorScenarios(output, ServerMode.WssOffload);
