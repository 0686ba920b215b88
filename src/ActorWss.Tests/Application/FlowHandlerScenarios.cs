using System.Net.WebSockets;
using ActorWss.Connections;
using ActorWss.Routing;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorWss.Tests.Application;

/// <summary>Flow handlers (Akka HTTP's shape): what they emit is sent, completing closes with 1000, failing with 1011.</summary>
public abstract class FlowHandlerScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private Task<Server.ActorWssServer> StartAsync() => StartServerAsync(ws => ws
        .MapRoute("upper", "/upper", WebSocketHandler.FromFlow(Flow.Create<Message>().Select(m => Message.Text(m.GetText().ToUpperInvariant()))))
        .MapRoute("two", "/two", WebSocketHandler.FromFlow(Flow.Create<Message>().Take(2)))
        .MapRoute("fragile", "/fragile", WebSocketHandler.FromFlow(Flow.Create<Message>()
            .Select(m => m.GetText() == "boom" ? throw new InvalidOperationException("boom (deliberate)") : m)))
        .MapRoute("broken", "/broken", WebSocketHandler.FromFlow(_ => throw new InvalidOperationException("no flow today (deliberate)")))
        .MapRoute("who", "/who/*", WebSocketHandler.FromFlow(info => Flow.Create<Message>()
            .Select(m => Message.Text($"{info.Request.Path} {info.Request.GetQueryParameter("q")} {info.Subprotocol} {m.GetText()}")))),
        "actorwss.routes.who.subprotocols=[\"v2\", \"v1\"]");

    private static Uri At(Server.ActorWssServer server, string pathAndQuery) => new(UrlOf(server), pathAndQuery);

    [Fact]
    public async Task A_close_sent_with_the_upgrade_request_ends_the_flows_input_and_its_last_words_are_sent()
    {
        // The Close is read before the flow exists. The flow must still see its input end (and may still speak),
        // and the Close is answered then, not at the close timeout (longer than the test waits).
        var server = await StartServerAsync(ws => ws
            .MapRoute("farewell", "/farewell", WebSocketHandler.FromFlow(Flow.Create<Message>().Concat(Source.Single(Message.Text("farewell"))))),
            "actorwss.websocket.close-timeout=10m");
        var url = UrlOf(server);
        await using var client = await RawWebSocketClient.ConnectAsync(url);
        await client.SendAsync([.. System.Text.Encoding.ASCII.GetBytes(RawWebSocketClient.UpgradeRequest(url, "/farewell")),
            .. ClientFrames.Close(CloseStatus.Normal)]);

        Assert.Equal(101, (await client.ReadResponseHeadAsync()).Status);
        var last = await client.ReadFrameAsync();
        Assert.Equal((Opcode.Text, "farewell"), (last.Opcode, System.Text.Encoding.UTF8.GetString(last.Payload)));
        Assert.Equal(CloseStatus.Normal, (await client.ReadCloseAsync()).CloseCode);
    }

    [Fact]
    public async Task What_the_flow_emits_is_sent_to_the_client()
    {
        var server = await StartAsync();
        using var client = await ConnectClientAsync(At(server, "/upper"));

        await client.SendTextAsync("shout");
        await client.SendTextAsync("ünïcode");

        Assert.Equal("SHOUT", await client.ReceiveTextAsync());
        Assert.Equal("ÜNÏCODE", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task The_flow_sees_the_connection_it_serves()
    {
        var server = await StartAsync();
        using var client = await ConnectClientAsync(At(server, "/who/room%201?q=a%26b"), o =>
        {
            o.AddSubProtocol("v1");
            o.AddSubProtocol("v2");
        });

        await client.SendTextAsync("hi");

        Assert.Equal("v1", client.SubProtocol);
        Assert.Equal("/who/room%201 a&b v1 hi", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_flow_that_completes_closes_the_connection_with_1000_after_its_last_message()
    {
        var server = await StartAsync();
        using var client = await ConnectClientAsync(At(server, "/two"));

        foreach (var text in new[] { "a", "b", "c" }) await client.SendTextAsync(text);

        Assert.Equal("a", await client.ReceiveTextAsync());
        Assert.Equal("b", await client.ReceiveTextAsync());
        Assert.Equal(WebSocketCloseStatus.NormalClosure, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task A_flow_that_fails_closes_its_connection_with_1011_and_no_other()
    {
        var server = await StartAsync();
        using var failing = await ConnectClientAsync(At(server, "/fragile"));
        using var other = await ConnectClientAsync(At(server, "/fragile"));

        await failing.SendTextAsync("boom");

        Assert.Equal(WebSocketCloseStatus.InternalServerError, await failing.ReceiveCloseAsync());
        await other.SendTextAsync("fine");
        Assert.Equal("fine", await other.ReceiveTextAsync());
    }

    [Fact]
    public async Task A_flow_factory_that_throws_closes_the_connection_with_1011()
    {
        var server = await StartAsync();
        using var client = await ConnectClientAsync(At(server, "/broken"));

        Assert.Equal(WebSocketCloseStatus.InternalServerError, await client.ReceiveCloseAsync());
        await AssertServerStillEchoesAsync(server);
    }
}

public sealed class FlowHandlersOverWs(ITestOutputHelper output) : FlowHandlerScenarios(output, ServerMode.Ws);

public sealed class FlowHandlersOverWssInline(ITestOutputHelper output) : FlowHandlerScenarios(output, ServerMode.WssInline);

public sealed class FlowHandlersOverWssOffload(ITestOutputHelper output) : FlowHandlerScenarios(output, ServerMode.WssOffload);
