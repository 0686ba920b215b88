using ActorWss.Tests.Support;
using ActorWss.WebSocket;

namespace ActorWss.Tests.Scenarios;

/// <summary>The server binary as operators run it: the shipped config, signals, exit codes.</summary>
public sealed class ProcessScenarios
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigterm_closes_open_connections_with_1001_and_exits_0()
    {
        await using var server = ServerProcess.Start("--config", "config/actorwss.conf", "--set", "actorwss.listeners.ws.port=0", "--set", "actorwss.listeners.wss.port=0");
        var url = await server.ListeningAsync(Timeout);
        await using var client = await RawWebSocketClient.OpenAsync(url);
        await client.SendTextAsync("before shutdown");
        Assert.Equal(Opcode.Text, (await client.ReadFrameAsync()).Opcode);

        server.Terminate();

        var close = await client.ReadCloseAsync();
        Assert.Equal(CloseStatus.GoingAway, close.CloseCode);
        await client.ReplyCloseAsync(CloseStatus.GoingAway);
        Assert.True(await client.WaitForServerCloseAsync());
        await client.DisposeAsync();
        Assert.Equal(0, await server.WaitForExitAsync(Timeout));
    }

    [Theory]
    [InlineData("actorwss.websocket.max-message-size=lots", "actorwss.websocket.max-message-size")]
    [InlineData("actorwss.listeners.ws.port=99999", "actorwss.listeners.ws.port")]
    [InlineData("actorwss.handler=shout", "actorwss.handler")]
    public async Task Invalid_configuration_stops_the_start_with_a_message_naming_the_key(string setting, string key)
    {
        await using var server = ServerProcess.Start("--config", "config/actorwss.conf", "--set", "actorwss.listeners.wss.port=0", "--set", setting);

        Assert.Equal(2, await server.WaitForExitAsync(Timeout));
        Assert.Contains($"invalid configuration: {key}:", server.Output);
    }

    [Fact]
    public async Task A_port_already_in_use_fails_the_start_with_exit_code_1()
    {
        await using var first = ServerProcess.Start("--config", "config/actorwss.conf", "--set", "actorwss.listeners.ws.port=0", "--set", "actorwss.listeners.wss.port=0");
        var url = await first.ListeningAsync(Timeout);

        await using var second = ServerProcess.Start("--config", "config/actorwss.conf", "--set", $"actorwss.listeners.ws.port={url.Port}", "--set", "actorwss.listeners.wss.port=0");

        Assert.Equal(1, await second.WaitForExitAsync(Timeout));
        Assert.Contains("cannot bind", second.Output);
    }
}
