using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorWss.Configuration;
using ActorWss.Tests.Support;
using ActorWss.Transport;
using ActorWss.WebSocket;
using Akka.IO;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorWss.Tests.Transport;

/// <summary>The socket transport on real sockets: what it binds, and how connections end.</summary>
public sealed class SocketTransportTests(ITestOutputHelper output) : ServerScenario(output)
{
    [Theory]
    [InlineData("0.0.0.0", "127.0.0.1")]
    [InlineData("::", "127.0.0.1")] // dual-stack: IPv4 clients reach a "::" listener
    [InlineData("::", "::1")]
    public async Task A_wildcard_address_is_bound_and_serves_loopback_clients(string host, string client)
    {
        var server = await StartServerAsync("actorwss.listeners.ws.host=" + host);
        var url = new Uri($"ws://{(client.Contains(':') ? $"[{client}]" : client)}:{server.Listeners[0].Endpoint.Port}/");

        await using var connection = await RawWebSocketClient.OpenAsync(url);
        await connection.SendTextAsync("anywhere");

        Assert.Equal("anywhere", Encoding.UTF8.GetString((await connection.ReadFrameAsync()).Payload));
    }

    [Fact]
    public async Task Closing_the_listening_socket_leaves_open_connections_working()
    {
        var server = await StartServerAsync();
        var url = UrlOf(server);
        await using var connection = await RawWebSocketClient.OpenAsync(url);

        await server.UnbindAsync();

        await Assert.ThrowsAnyAsync<SocketException>(() => RawWebSocketClient.ConnectAsync(url));
        await connection.SendTextAsync("still here");
        Assert.Equal("still here", Encoding.UTF8.GetString((await connection.ReadFrameAsync()).Payload));
    }

    [Fact]
    public void Akka_streams_tcp_cannot_bind_a_wildcard_address_and_says_so_at_start()
    {
        var error = Assert.Throws<InvalidConfigurationException>(() => SettingsParser.Parse(ConfigLoader.ParseOverrides(
            ["actorwss.transport.kind=akka-streams-tcp", "actorwss.listeners.ws.host=0.0.0.0"])));

        Assert.StartsWith("actorwss.listeners.ws.host: '0.0.0.0' cannot be bound by transport akka-streams-tcp", error.Message);
    }

    [Fact]
    public async Task A_connection_flow_sends_fin_after_its_bytes_and_keeps_reading_until_the_peer_closes()
    {
        var transport = new SocketTransport(TransportSettings.Default);
        var received = new List<string>();
        var (binding, _) = transport.Bind("127.0.0.1", 0, 16)
            .Take(1)
            .Select(connection =>
            {
                // The server half: send "bye", complete its output, and collect what the peer sends until it closes.
                connection.Flow.RunWith(Source.Single(ByteString.FromString("bye")), Sink.ForEach<ByteString>(b => { lock (received) received.Add(b.ToString()); }),
                    Sys.Materializer());
                return connection;
            })
            .ToMaterialized(Sink.Ignore<AcceptedConnection>(), Keep.Both)
            .Run(Sys.Materializer());
        var endpoint = (IPEndPoint)(await binding).LocalAddress;

        using var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(endpoint);
        var buffer = new byte[16];
        Assert.Equal("bye", Encoding.ASCII.GetString(buffer, 0, await client.ReceiveAsync(buffer)));
        Assert.Equal(0, await client.ReceiveAsync(buffer)); // FIN after the bytes

        await client.SendAsync("after your FIN"u8.ToArray()); // the server still reads
        client.Shutdown(SocketShutdown.Send);
        await AwaitAssertAsync(() => { lock (received) Assert.Equal("after your FIN", string.Concat(received)); }, Timeout);
    }
}
