using System.Net.WebSockets;
using System.Text;
using ActorWss.Configuration;
using ActorWss.Hosting;
using ActorWss.Server;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Support;

/// <summary>How the scenario's server listens: plain ws://, or wss:// with TLS inline or offloaded.</summary>
public enum ServerMode
{
    Ws,
    WssInline,
    WssOffload,
    /// <summary>ws:// over the Akka.Streams TcpStream() transport instead of the socket transport.</summary>
    WsAkkaStreamsTcp,
    /// <summary>wss:// inline over the Akka.Streams TcpStream() transport.</summary>
    WssAkkaStreamsTcp,
}

/// <summary>
/// Base of the scenario tests: a TestKit actor system with a real server in it, bound to an ephemeral port on
/// loopback, and clients on real sockets. Suites derive once per <see cref="ServerMode"/>, so every scenario runs
/// over ws:// and over wss:// in both TLS modes.
/// </summary>
public abstract class ServerScenario(ITestOutputHelper output, ServerMode mode = ServerMode.Ws)
    : Akka.TestKit.Xunit2.TestKit(TestConfig, null, output)
{
    /// <summary>One development certificate per test run, in a temporary folder.</summary>
    private static readonly Lazy<string> CertificateFolder = new(() =>
        Directory.CreateTempSubdirectory("actorwss-tests-").FullName);

    protected ServerMode Mode => mode;

    /// <summary>The name of the listener the scenario's server runs ("ws" or "wss").</summary>
    protected string Listener => mode is ServerMode.Ws or ServerMode.WsAkkaStreamsTcp ? "ws" : "wss";

    /// <summary>A key of this scenario's listener, e.g. <c>ListenerKey("max-connections=2")</c>.</summary>
    protected string ListenerKey(string keyValue) => $"actorwss.listeners.{Listener}.{keyValue}";

    /// <summary>The overrides that make a server listen in <paramref name="mode"/> on an ephemeral port.</summary>
    public static string[] ModeSettings(ServerMode mode) => mode switch
    {
        ServerMode.Ws => ["actorwss.listeners.ws.port=0"],
        ServerMode.WsAkkaStreamsTcp => ["actorwss.listeners.ws.port=0", "actorwss.transport.kind=akka-streams-tcp"],
        ServerMode.WssAkkaStreamsTcp => [.. ModeSettings(ServerMode.WssInline), "actorwss.transport.kind=akka-streams-tcp"],
        _ =>
        [
            "actorwss.listeners.ws.enabled=off",
            "actorwss.listeners.wss.enabled=on",
            "actorwss.listeners.wss.port=0",
            "actorwss.tls.mode=" + (mode == ServerMode.WssOffload ? "offload" : "inline"),
            "actorwss.tls.dev-certificate=on",
            "actorwss.tls.certificate.path=" + Path.Combine(CertificateFolder.Value, "cert.pem"),
            "actorwss.tls.certificate.key-path=" + Path.Combine(CertificateFolder.Value, "key.pem"),
        ],
    };

    /// <summary>The actor system knows the server's defaults (the TLS offload dispatcher is defined there).</summary>
    private static readonly Akka.Configuration.Config TestConfig = Akka.Configuration.ConfigurationFactory.ParseString("""
        akka.loglevel = INFO
        akka.log-dead-letters = off
        """).WithFallback(SettingsParser.Reference);

    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Starts a server with the scenario's listener on port 0 plus the given <c>key=value</c> overrides.</summary>
    private protected Task<ActorWssServer> StartServerAsync(params string[] overrides) => StartServerAsync(null, overrides);

    /// <summary>The same, with the application's handlers, authenticators and default HOCON (as <c>AddActorWss(configure)</c>).</summary>
    private protected async Task<ActorWssServer> StartServerAsync(Action<ActorWssBuilder>? configure, params string[] overrides)
    {
        var application = ActorWssBuilder.Empty;
        configure?.Invoke(application);
        var config = ConfigLoader.ParseOverrides([.. ModeSettings(mode), .. overrides]).WithFallback(application.Defaults);
        return await ActorWssServer.StartAsync(Sys, SettingsParser.Parse(config), application);
    }

    private protected static Uri UrlOf(ActorWssServer server) => server.Listeners[0].Url;

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
    private protected static async Task AssertServerStillEchoesAsync(ActorWssServer server)
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
    private protected static async Task AssertFailedWithAsync(RawWebSocketClient client, ushort code)
    {
        var close = await client.ReadCloseAsync();
        Assert.Equal(code, close.CloseCode);
        Assert.True(await client.WaitForServerCloseAsync(), "the server should close the TCP connection after its Close frame");
    }
}
