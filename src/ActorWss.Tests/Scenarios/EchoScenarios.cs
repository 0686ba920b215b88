using System.Net.WebSockets;
using System.Text;
using ActorWss.Tests.Support;
using Xunit.Abstractions;

namespace ActorWss.Tests.Scenarios;

/// <summary>A real client (.NET's ClientWebSocket) against the echo handler.</summary>
public abstract class EchoScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    public static TheoryData<int> Sizes => [0, 125, 126, 65535, 65536, 1024 * 1024];

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Binary_messages_of_every_length_class_come_back_unchanged(int size)
    {
        var server = await StartServerAsync();
        using var client = await ConnectClientAsync(UrlOf(server));
        var payload = new byte[size];
        new Random(size).NextBytes(payload);

        await client.SendAsync(payload, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
        var (type, echo) = await ReceiveMessageAsync(client);

        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(payload, echo);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Text_messages_of_every_length_class_come_back_unchanged(int size)
    {
        var server = await StartServerAsync();
        using var client = await ConnectClientAsync(UrlOf(server));
        var text = Utf8TextOfLength(size);
        var payload = Encoding.UTF8.GetBytes(text);
        Assert.Equal(size, payload.Length);

        await client.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var (type, echo) = await ReceiveMessageAsync(client);

        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(text, Encoding.UTF8.GetString(echo));
    }

    /// <summary>Text of exactly <paramref name="bytes"/> UTF-8 bytes, with 1- to 4-byte characters, so sequences straddle reads.</summary>
    private static string Utf8TextOfLength(int bytes)
    {
        string[] units = ["a", "é", "✓", "😀"];
        var text = new StringBuilder();
        for (int n = 0, i = 0; n < bytes; i++)
        {
            var unit = units[i % units.Length];
            if (n + Encoding.UTF8.GetByteCount(unit) > bytes) unit = "a";
            text.Append(unit);
            n += Encoding.UTF8.GetByteCount(unit);
        }
        return text.ToString();
    }

    [Fact]
    public async Task A_message_sent_in_fragments_comes_back_whole()
    {
        var server = await StartServerAsync();
        using var client = await ConnectClientAsync(UrlOf(server));

        await client.SendAsync("frag"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await client.SendAsync("ment"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await client.SendAsync("ed"u8.ToArray(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        var (_, echo) = await ReceiveMessageAsync(client);

        Assert.Equal("fragmented", Encoding.UTF8.GetString(echo));
    }

    [Fact]
    public async Task Hundred_connections_each_echo_hundred_messages_in_order()
    {
        const int connections = 100, messages = 100;
        var server = await StartServerAsync();
        var url = UrlOf(server);

        var clients = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => ConnectClientAsync(url)));
        try
        {
            await Task.WhenAll(clients.Select(async (client, c) =>
            {
                for (int m = 0; m < messages; m++)
                {
                    var sent = Encoding.UTF8.GetBytes($"connection {c} message {m}");
                    await client.SendAsync(sent, WebSocketMessageType.Binary, endOfMessage: true, CancellationToken.None);
                    var (_, echo) = await ReceiveMessageAsync(client);
                    Assert.Equal(sent, echo);
                }
            }));
        }
        finally
        {
            foreach (var client in clients) client.Dispose();
        }
    }

    [Fact]
    public async Task Closing_normally_completes_the_handshake_and_frees_the_connection()
    {
        // The peer's Close is answered as soon as the echo has sent what it owed, never at the close timeout (made
        // longer here than the test may wait, so an answer that waits for it fails the test).
        var server = await StartServerAsync("actorwss.websocket.close-timeout=10m");
        using var client = await ConnectClientAsync(UrlOf(server));
        Assert.Equal(1, await server.ConnectionCountAsync());

        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
        await AwaitAssertAsync(async () => Assert.Equal(0, await server.ConnectionCountAsync()), Timeout);
    }
}

public sealed class EchoOverWs(ITestOutputHelper output) : EchoScenarios(output, ServerMode.Ws);

public sealed class EchoOverWssInline(ITestOutputHelper output) : EchoScenarios(output, ServerMode.WssInline);

public sealed class EchoOverWssOffload(ITestOutputHelper output) : EchoScenarios(output, ServerMode.WssOffload);

public sealed class EchoOverWsAkkaStreamsTcp(ITestOutputHelper output) : EchoScenarios(output, ServerMode.WsAkkaStreamsTcp);

public sealed class EchoOverWssAkkaStreamsTcp(ITestOutputHelper output) : EchoScenarios(output, ServerMode.WssAkkaStreamsTcp);

public sealed class EchoOverWsSocket(ITestOutputHelper output) : EchoScenarios(output, ServerMode.WsSocket);

public sealed class EchoOverWssSocket(ITestOutputHelper output) : EchoScenarios(output, ServerMode.WssSocket);
