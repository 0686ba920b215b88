using System.Net.Sockets;
using System.Net.WebSockets;
using ActorWss.Configuration;
using ActorWss.Server;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorWss.Tests.Scenarios;

/// <summary>Connection lifecycles: limits, timers, shutdown, and actors that go away with their connections.</summary>
public abstract class LifecycleScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    [Fact]
    public async Task Draining_sends_close_1001_to_every_open_connection()
    {
        var server = await StartServerAsync();
        using var first = await ConnectClientAsync(UrlOf(server));
        using var second = await ConnectClientAsync(UrlOf(server));
        var receives = new[] { first, second }.Select(c => c.ReceiveAsync(new byte[16], CancellationToken.None)).ToArray();

        var drain = server.DrainAsync(TimeSpan.FromSeconds(10));

        foreach (var receive in receives) Assert.Equal(WebSocketMessageType.Close, (await receive).MessageType);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, first.CloseStatus); // 1001
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, second.CloseStatus);
        await first.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, null, CancellationToken.None);
        await second.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, null, CancellationToken.None);
        Assert.Equal(0, await drain);
    }

    [Fact]
    public async Task Coordinated_shutdown_stops_accepting_then_closes_connections_with_1001()
    {
        // A system of its own: CoordinatedShutdown terminates it.
        using var system = ActorSystem.Create("shutdown-test",
            Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithFallback(SettingsParser.Reference));
        var settings = SettingsParser.Parse(ConfigLoader.ParseOverrides([.. ModeSettings(Mode), "actorwss.shutdown.drain-timeout=5s"]));
        var server = await ActorWssServer.StartAsync(system, settings);
        server.RegisterCoordinatedShutdown(system);
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        var shutdown = CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);

        var close = await client.ReadCloseAsync();
        Assert.Equal(CloseStatus.GoingAway, close.CloseCode);
        await using (var late = await RawWebSocketClient.ConnectAsync(UrlOf(server)))
        {
            await late.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server)));
            Assert.Equal(503, (await late.ReadResponseAsync()).Head.Status);
        }
        await client.ReplyCloseAsync(CloseStatus.GoingAway);
        Assert.True(await client.WaitForServerCloseAsync());
        await client.DisposeAsync(); // a client closes its side too; until it does the server waits (close-timeout)
        await shutdown.WaitAsync(Timeout);
        await Assert.ThrowsAnyAsync<SocketException>(() => RawWebSocketClient.ConnectAsync(UrlOf(server)));
    }

    [Fact]
    public async Task A_connection_over_the_limit_gets_503_while_the_others_keep_working()
    {
        var server = await StartServerAsync(ListenerKey("max-connections=2"));
        await using var first = await RawWebSocketClient.OpenAsync(UrlOf(server));
        await using var second = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await using (var third = await RawWebSocketClient.ConnectAsync(UrlOf(server)))
        {
            await third.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server)));
            var (head, _) = await third.ReadResponseAsync();
            Assert.Equal(503, head.Status);
            Assert.True(await third.WaitForServerCloseAsync());
        }

        await first.SendTextAsync("still here");
        Assert.Equal(Opcode.Text, (await first.ReadFrameAsync()).Opcode);
    }

    [Fact]
    public async Task An_idle_connection_is_closed_with_1001()
    {
        var server = await StartServerAsync("actorwss.websocket.idle-timeout=400ms");
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        var close = await client.ReadCloseAsync();

        Assert.Equal(CloseStatus.GoingAway, close.CloseCode);
        Assert.Equal("idle timeout", close.CloseReason);
    }

    [Fact]
    public async Task Keep_alive_pings_are_sent_when_nothing_else_is()
    {
        var server = await StartServerAsync("actorwss.websocket.keep-alive-interval=200ms");
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        var frame = await client.ReadFrameAsync();

        Assert.Equal(Opcode.Ping, frame.Opcode);
    }

    [Fact]
    public async Task A_peer_that_never_answers_our_close_is_dropped_after_the_close_timeout()
    {
        var server = await StartServerAsync("actorwss.websocket.close-timeout=300ms");
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        var drain = server.DrainAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(CloseStatus.GoingAway, (await client.ReadCloseAsync()).CloseCode);
        // No Close reply: the server waits close-timeout, then closes TCP anyway.

        Assert.True(await client.WaitForServerCloseAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, await drain);
    }

    [Fact]
    public async Task Connection_actors_stop_when_their_clients_go_away_however_they_go()
    {
        var server = await StartServerAsync();
        var url = UrlOf(server);

        using (var polite = await ConnectClientAsync(url))
            await polite.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        await using (var mid = await RawWebSocketClient.OpenAsync(url))
            await mid.SendAsync(ClientFrames.Build(Opcode.Binary, new byte[100], declaredLength: 1000)[..50]); // gone mid-frame
        await using (await RawWebSocketClient.ConnectAsync(url)) { } // gone before the request
        using (var abrupt = new Socket(SocketType.Stream, ProtocolType.Tcp))
        {
            await abrupt.ConnectAsync(url.Host, url.Port);
            abrupt.LingerState = new LingerOption(true, 0); // RST on close
        }

        await AwaitAssertAsync(async () => Assert.Equal(0, await server.ConnectionCountAsync()), Timeout);
        await AssertServerStillEchoesAsync(server);
    }
}

public sealed class LifecycleOverWs(ITestOutputHelper output) : LifecycleScenarios(output, ServerMode.Ws);

public sealed class LifecycleOverWssInline(ITestOutputHelper output) : LifecycleScenarios(output, ServerMode.WssInline);

public sealed class LifecycleOverWssOffload(ITestOutputHelper output) : LifecycleScenarios(output, ServerMode.WssOffload);

public sealed class LifecycleOverWsAkkaStreamsTcp(ITestOutputHelper output) : LifecycleScenarios(output, ServerMode.WsAkkaStreamsTcp);

public sealed class LifecycleOverWsSocket(ITestOutputHelper output) : LifecycleScenarios(output, ServerMode.WsSocket);
