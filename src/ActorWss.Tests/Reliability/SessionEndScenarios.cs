using System.Net.WebSockets;
using ActorWss.Server;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using ActorWss.Routing;
using Akka.Event;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability;

/// <summary>
/// Every way a WebSocket session can end, in every mode: each one ends the connection on the server, so that its
/// actor, stream, socket and slot under max-connections are released (the open-connection count returns to zero,
/// in the listener and in the metrics).
/// </summary>
public abstract class SessionEndScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private async Task AssertAllEndedAsync(ActorWssServer server)
    {
        await AwaitAssertAsync(async () =>
        {
            Assert.Equal(0, await server.ConnectionCountAsync());
            Assert.Equal(0, server.Metrics[Listener].ConnectionsOpen);
        }, Timeout);
    }

    [Fact]
    public async Task The_client_closes()
    {
        var server = await StartServerAsync();
        using (var client = await ConnectClientAsync(UrlOf(server)))
            await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);

        await AssertAllEndedAsync(server);
    }

    [Fact]
    public async Task The_client_closes_and_half_closes_tcp_at_once()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendAsync(ClientFrames.Close(CloseStatus.Normal));
        client.ShutdownSend();

        Assert.Equal(CloseStatus.Normal, (await client.ReadCloseAsync()).CloseCode);
        Assert.True(await client.WaitForServerCloseAsync());
        await AssertAllEndedAsync(server);
    }

    [Fact]
    public async Task The_server_closes_and_the_client_answers()
    {
        var server = await StartServerAsync();
        using var client = await ConnectClientAsync(UrlOf(server));
        var receive = client.ReceiveAsync(new byte[16], CancellationToken.None);

        var drain = server.DrainAsync(Timeout);
        Assert.Equal(WebSocketMessageType.Close, (await receive).MessageType);
        await client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, null, CancellationToken.None);

        Assert.Equal(0, await drain);
        await AssertAllEndedAsync(server);
    }

    [Fact]
    public async Task The_client_resets_in_the_middle_of_a_frame()
    {
        var server = await StartServerAsync();
        var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendAsync(ClientFrames.Build(Opcode.Binary, new byte[1000])[..500]);
        client.Reset();

        await AssertAllEndedAsync(server);
    }

    [Fact]
    public async Task The_client_half_closes_tcp_without_a_close_frame()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        client.ShutdownSend();

        Assert.True(await client.WaitForServerCloseAsync());
        await AssertAllEndedAsync(server);
    }

    [Fact]
    public async Task The_client_never_answers_the_servers_close()
    {
        var server = await StartServerAsync("actorwss.websocket.close-timeout=300ms");
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        _ = server.DrainAsync(Timeout);
        Assert.Equal(CloseStatus.GoingAway, (await client.ReadCloseAsync()).CloseCode);

        await AssertAllEndedAsync(server); // the client keeps its TCP side open all along
    }

    [Fact]
    public async Task The_idle_timeout_passes_and_the_client_never_answers()
    {
        var server = await StartServerAsync("actorwss.websocket.idle-timeout=300ms", "actorwss.websocket.close-timeout=300ms");
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        Assert.Equal(CloseStatus.GoingAway, (await client.ReadCloseAsync()).CloseCode);

        await AssertAllEndedAsync(server);
    }

    [Fact]
    public async Task The_client_breaks_a_protocol_rule()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Text, "unmasked"u8.ToArray(), mask: false);

        await AssertFailedWithAsync(client, CloseStatus.ProtocolError);
        await AssertAllEndedAsync(server);
    }

    [Fact]
    public async Task The_client_stops_reading_while_a_large_echo_is_on_its_way()
    {
        var server = await StartServerAsync("actorwss.transport.send-timeout=500ms");
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));
        client.ShrinkReceiveBuffer();
        await client.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server)));
        Assert.Equal(101, (await client.ReadResponseHeadAsync()).Status);

        // 8 MiB is more than the kernel buffers of both ends hold: the echo stalls, and nothing reads it.
        await client.SendFrameAsync(Opcode.Binary, new byte[8 << 20]);

        await AssertAllEndedAsync(server);
    }

    [Fact]
    public async Task The_client_goes_away_before_its_request_is_complete()
    {
        var server = await StartServerAsync();
        await using (var client = await RawWebSocketClient.ConnectAsync(UrlOf(server)))
            await client.SendAsync("GET / HTTP/1.1\r\nHost: h\r\n");

        await AssertAllEndedAsync(server);
    }
}

public sealed class SessionEndOverWs(ITestOutputHelper output) : SessionEndScenarios(output, ServerMode.Ws);

public sealed class SessionEndOverWssInline(ITestOutputHelper output) : SessionEndScenarios(output, ServerMode.WssInline);

public sealed class SessionEndOverWssOffload(ITestOutputHelper output) : SessionEndScenarios(output, ServerMode.WssOffload);

public sealed class SessionEndOverWsAkkaStreamsTcp(ITestOutputHelper output) : SessionEndScenarios(output, ServerMode.WsAkkaStreamsTcp);

/// <summary>Endings that need a listener of their own (a failing handler) or a look at the log.</summary>
public sealed class SessionEndDetails(ITestOutputHelper output) : ServerScenario(output, ServerMode.Ws)
{
    private static Message Fail(Message message) => throw new InvalidOperationException("handler bug (deliberate)");

    [Fact]
    public async Task The_handler_fails_and_the_client_gets_1011()
    {
        var server = await StartServerAsync(ws => ws.MapRoute("fragile", "/fragile",
            WebSocketHandler.FromFlow(Flow.Create<Message>().Select(Fail))));
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server), "/fragile");

        await client.SendTextAsync("boom");

        await AssertFailedWithAsync(client, CloseStatus.InternalError);
        await AwaitAssertAsync(async () => Assert.Equal(0, await server.ConnectionCountAsync()), Timeout);
        Assert.Equal(0, server.Metrics[Listener].ConnectionsOpen);
    }

    [Fact]
    public async Task A_reset_is_logged_once_with_its_cause()
    {
        var server = await StartServerAsync();
        var logged = CreateTestProbe();
        Sys.EventStream.Subscribe(logged.Ref, typeof(Info));
        var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendAsync(ClientFrames.Build(Opcode.Binary, new byte[100])[..50]);
        client.Reset();

        var line = logged.FishForMessage<Info>(info => info.ToString()!.Contains(" lost ", StringComparison.Ordinal), Timeout).ToString()!;
        Assert.True(line.Contains("connection failed: Connection reset by peer", StringComparison.Ordinal), line);
        Assert.DoesNotContain("connection failed: connection failed", line);
    }
}
