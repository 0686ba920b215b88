using System.Net.WebSockets;
using System.Text;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Scenarios;

/// <summary>
/// RFC 7692 permessage-deflate on real connections: negotiated only when enabled and offered, compressed frames in
/// both directions (checked on the wire, DEFLATE done here with System.IO.Compression directly), and each rule a
/// client breaks answered with its close code while other connections keep being served.
/// </summary>
public abstract class CompressionScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private const string Enabled = "actorwss.websocket.permessage-deflate.enabled=on";
    private const string Offer = "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits";
    private const byte Rsv1 = 0b100;

    private static readonly string Chat = string.Concat(Enumerable.Repeat("{\"room\":\"lobby\",\"text\":\"hello ✓\"}", 100));

    private static async Task<RawWebSocketClient> OpenWithOfferAsync(Uri url, string? expectedExtensions, string path = "/")
    {
        var client = await RawWebSocketClient.ConnectAsync(url);
        await client.SendAsync(RawWebSocketClient.UpgradeRequest(url, path, RawWebSocketClient.SampleKey, Offer));
        var head = await client.ReadResponseHeadAsync();
        Assert.Equal(101, head.Status);
        Assert.Equal(expectedExtensions, head["Sec-WebSocket-Extensions"]);
        return client;
    }

    private const string Accepted = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";

    private static async Task<RawWebSocketClient> OpenCompressedAsync(Uri url) => await OpenWithOfferAsync(url, Accepted);

    [Fact]
    public async Task Compressed_messages_are_echoed_compressed_and_small_ones_plain()
    {
        var server = await StartServerAsync(Enabled);
        await using var client = await OpenCompressedAsync(UrlOf(server));
        var chat = Encoding.UTF8.GetBytes(Chat);

        await client.SendFrameAsync(Opcode.Text, ClientDeflate.Compress(chat), rsv: Rsv1);
        var echo = await client.ReadFrameAsync();
        Assert.Equal((Opcode.Text, true, Rsv1), (echo.Opcode, echo.Fin, echo.Rsv));
        Assert.True(echo.Payload.Length < chat.Length / 4, $"{echo.Payload.Length} bytes on the wire for {chat.Length}");
        Assert.Equal(Chat, Encoding.UTF8.GetString(ClientDeflate.Inflate(echo.Payload)));

        // §7.2.3.1 "Hello", split over two frames (§7.2.3.1's fragmented form): under min-message-size, echoed plain.
        await client.SendFrameAsync(Opcode.Text, [0xf2, 0x48, 0xcd], fin: false, rsv: Rsv1);
        await client.SendFrameAsync(Opcode.Continuation, [0xc9, 0xc9, 0x07, 0x00]);
        echo = await client.ReadFrameAsync();
        Assert.Equal((Opcode.Text, (byte)0, "Hello"), (echo.Opcode, echo.Rsv, Encoding.UTF8.GetString(echo.Payload)));

        // §6: a client may send any message uncompressed; random bytes do not shrink, so they come back plain.
        var random = new byte[4096];
        Random.Shared.NextBytes(random);
        await client.SendFrameAsync(Opcode.Binary, random);
        echo = await client.ReadFrameAsync();
        Assert.Equal((Opcode.Binary, (byte)0), (echo.Opcode, echo.Rsv));
        Assert.Equal(random, echo.Payload);
    }

    [Fact]
    public async Task Without_the_setting_an_offer_is_declined_and_RSV1_stays_a_protocol_error()
    {
        var server = await StartServerAsync();
        await using var client = await OpenWithOfferAsync(UrlOf(server), expectedExtensions: null);

        await client.SendFrameAsync(Opcode.Text, ClientDeflate.Compress(Encoding.UTF8.GetBytes(Chat)), rsv: Rsv1);

        await AssertFailedWithAsync(client, CloseStatus.ProtocolError);
    }

    [Theory]
    [InlineData("off", "on")]
    [InlineData("on", "off")]
    public async Task A_route_may_accept_compression_or_refuse_it_whatever_the_server_wide_setting(string serverWide, string route)
    {
        var server = await StartServerAsync("actorwss.websocket.permessage-deflate.enabled=" + serverWide,
            "actorwss.routes.special.path=/special", "actorwss.routes.special.handler=echo",
            "actorwss.routes.special.permessage-deflate=" + route);

        await using (var special = await OpenWithOfferAsync(UrlOf(server), route == "on" ? Accepted : null, "/special"))
        {
            await special.SendTextAsync(Chat);
            Assert.Equal(route == "on" ? Rsv1 : (byte)0, (await special.ReadFrameAsync()).Rsv);
        }
        await using (var other = await OpenWithOfferAsync(UrlOf(server), serverWide == "on" ? Accepted : null))
        {
            await other.SendTextAsync(Chat);
            Assert.Equal(serverWide == "on" ? Rsv1 : (byte)0, (await other.ReadFrameAsync()).Rsv);
        }
    }

    [Fact]
    public async Task Without_an_offer_nothing_is_compressed()
    {
        var server = await StartServerAsync(Enabled);
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendTextAsync(Chat);
        var echo = await client.ReadFrameAsync();

        Assert.Equal((byte)0, echo.Rsv);
        Assert.Equal(Chat, Encoding.UTF8.GetString(echo.Payload));
    }

    [Fact]
    public async Task ClientWebSocket_with_deflate_options_echoes_through_compression()
    {
        var server = await StartServerAsync(Enabled);
        using var client = await ConnectClientAsync(UrlOf(server), options =>
        {
            options.DangerousDeflateOptions = new WebSocketDeflateOptions();
            options.CollectHttpResponseDetails = true;
        });
        Assert.StartsWith("permessage-deflate", client.HttpResponseHeaders!["Sec-WebSocket-Extensions"].Single());

        var large = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(Chat, 50)));
        foreach (var payload in new[] { Encoding.UTF8.GetBytes(Chat), large, "short"u8.ToArray() })
        {
            await client.SendAsync(payload, WebSocketMessageType.Text, true, CancellationToken.None);
            var (type, echo) = await ReceiveMessageAsync(client, 1 << 20);
            Assert.Equal(WebSocketMessageType.Text, type);
            Assert.Equal(payload, echo);
        }
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, client.CloseStatus);
    }

    public static TheoryData<string, byte[], ushort> Violations => new()
    {
        // RFC 7692 §6.1: RSV1 marks a message's first frame only.
        {
            "RSV1 on a continuation frame",
            [.. ClientFrames.Build(Opcode.Text, ClientDeflate.Compress(Encoding.UTF8.GetBytes(Chat)), fin: false, rsv: Rsv1),
                .. ClientFrames.Build(Opcode.Continuation, [0x00], rsv: Rsv1)],
            CloseStatus.ProtocolError
        },
        { "RSV1 on a ping", ClientFrames.Build(Opcode.Ping, "p"u8, rsv: Rsv1), CloseStatus.ProtocolError },
        { "RSV2 beside RSV1 (§5.2: not negotiated)", ClientFrames.Build(Opcode.Text, ClientDeflate.Compress("hi"u8.ToArray()), rsv: (byte)(Rsv1 | 0b010)), CloseStatus.ProtocolError },
        { "payload that is not DEFLATE data", ClientFrames.Build(Opcode.Binary, [0xff, 0xff, 0xff, 0xff], rsv: Rsv1), CloseStatus.InvalidPayload },
        { "text that is not UTF-8 once inflated (§8.1)", ClientFrames.Build(Opcode.Text, ClientDeflate.Compress([0x61, 0xC0, 0xAF, 0x62]), rsv: Rsv1), CloseStatus.InvalidPayload },
        { "1 MiB of zeros in 1 KiB, over a 64 KiB limit (§7.4.1)", ClientFrames.Build(Opcode.Binary, ClientDeflate.Compress(new byte[1 << 20]), rsv: Rsv1), CloseStatus.MessageTooBig },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task A_violation_fails_the_connection_with_its_close_code(string why, byte[] bytes, ushort code)
    {
        var server = await StartServerAsync(Enabled, "actorwss.websocket.max-message-size=64KiB");
        await using (var client = await OpenCompressedAsync(UrlOf(server)))
        {
            await client.SendAsync(bytes);
            var close = await client.ReadCloseAsync();
            Assert.True(code == close.CloseCode, $"{why}: expected {code}, got {close.CloseCode} ({close.CloseReason})");
            Assert.True(await client.WaitForServerCloseAsync(), why + ": TCP should close after the Close frame");
        }
        await AssertServerStillEchoesAsync(server);
    }
}

public sealed class CompressionOverWs(ITestOutputHelper output) : CompressionScenarios(output, ServerMode.Ws);

public sealed class CompressionOverWssInline(ITestOutputHelper output) : CompressionScenarios(output, ServerMode.WssInline);

public sealed class CompressionOverWssOffload(ITestOutputHelper output) : CompressionScenarios(output, ServerMode.WssOffload);
