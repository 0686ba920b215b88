using System.Net.WebSockets;
using System.Text;
using ActorWss.Configuration;
using ActorWss.Server;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Support;

/// <summary>
/// Base of the scenario tests: a TestKit actor system with a real server in it, bound to an ephemeral port on
/// loopback, and clients on real sockets.
/// </summary>
public abstract class ServerScenario(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(TestConfig, output)
{
    private const string TestConfig = """
        akka.loglevel = INFO
        akka.log-dead-letters = off
        """;

    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Starts a server with one ws:// listener on port 0 plus the given <c>key=value</c> overrides.</summary>
    protected async Task<ActorWssServer> StartServerAsync(params string[] overrides)
    {
        var config = ConfigLoader.ParseOverrides(["actorwss.listeners.ws.port=0", .. overrides]);
        return await ActorWssServer.StartAsync(Sys, SettingsParser.Parse(config));
    }

    protected static Uri UrlOf(ActorWssServer server) => server.Listeners[0].Url;

    protected static async Task<ClientWebSocket> ConnectClientAsync(Uri url, Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new ClientWebSocket();
        client.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true; // the project's own dev certificate
        configure?.Invoke(client.Options);
        using var cts = new CancellationTokenSource(Timeout);
        await client.ConnectAsync(url, cts.Token);
        return client;
    }

    /// <summary>Receives one whole message, however it is fragmented.</summary>
    protected static async Task<(WebSocketMessageType Type, byte[] Payload)> ReceiveMessageAsync(System.Net.WebSockets.WebSocket client, int capacity = 64 * 1024)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var buffer = new byte[capacity];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, cts.Token);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return (result.MessageType, message.ToArray());
        }
    }

    /// <summary>The server answers a fresh connection: bad input on another connection did not hurt it.</summary>
    protected static async Task AssertServerStillEchoesAsync(ActorWssServer server)
    {
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));
        await client.SendTextAsync("still serving");
        var echo = await client.ReadFrameAsync();
        Assert.Equal(Opcode.Text, echo.Opcode);
        Assert.Equal("still serving", Encoding.UTF8.GetString(echo.Payload));
    }

    /// <summary>
    /// §7.1.7: the server fails the connection with <paramref name="code"/>: its Close frame carries the code, and it
    /// closes TCP after it.
    /// </summary>
    protected static async Task AssertFailedWithAsync(RawWebSocketClient client, ushort code)
    {
        var close = await client.ReadCloseAsync();
        Assert.Equal(code, close.CloseCode);
        Assert.True(await client.WaitForServerCloseAsync(), "the server should close the TCP connection after its Close frame");
    }
}
