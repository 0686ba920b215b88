using System.Text;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Scenarios;

/// <summary>
/// RFC 6455 §5-§8 on raw sockets: each rule broken by a client gets its exact close code, the TCP connection is
/// closed after the Close frame, and a fresh connection is still served.
/// </summary>
public abstract class ProtocolScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    public static TheoryData<string, byte[], ushort> Violations => new()
    {
        { "unmasked frame (§5.1)", ClientFrames.Build(Opcode.Text, "hi"u8, mask: false), CloseStatus.ProtocolError },
        { "RSV1 without extension (§5.2)", ClientFrames.Build(Opcode.Text, "hi"u8, rsv: 4), CloseStatus.ProtocolError },
        { "RSV3 without extension (§5.2)", ClientFrames.Build(Opcode.Binary, "hi"u8, rsv: 1), CloseStatus.ProtocolError },
        { "reserved data opcode 0x3", ClientFrames.Build(0x3, "hi"u8), CloseStatus.ProtocolError },
        { "reserved control opcode 0xB", ClientFrames.Build(0xB, "hi"u8), CloseStatus.ProtocolError },
        { "ping with 126 bytes (§5.5)", ClientFrames.Build(Opcode.Ping, new byte[126]), CloseStatus.ProtocolError },
        { "fragmented ping (§5.5)", ClientFrames.Build(Opcode.Ping, "p"u8, fin: false), CloseStatus.ProtocolError },
        { "continuation with nothing to continue (§5.4)", ClientFrames.Build(Opcode.Continuation, "x"u8), CloseStatus.ProtocolError },
        {
            "new message inside a fragmented one (§5.4)",
            [.. ClientFrames.Build(Opcode.Text, "a"u8, fin: false), .. ClientFrames.Build(Opcode.Text, "b"u8)],
            CloseStatus.ProtocolError
        },
        { "64-bit length with the top bit set (§5.2)", ClientFrames.Build(Opcode.Binary, [], declaredLength: 0x8000_0000_0000_0001), CloseStatus.ProtocolError },
        { "invalid UTF-8 in text (§8.1)", ClientFrames.Build(Opcode.Text, [0xCE, 0xBA, 0xFF, 0x61]), CloseStatus.InvalidPayload },
        { "overlong UTF-8 (§8.1)", ClientFrames.Build(Opcode.Text, [0xC0, 0xAF]), CloseStatus.InvalidPayload },
        { "UTF-16 surrogate in UTF-8 (§8.1)", ClientFrames.Build(Opcode.Text, [0xED, 0xA0, 0x80]), CloseStatus.InvalidPayload },
        { "code point above U+10FFFF (§8.1)", ClientFrames.Build(Opcode.Text, [0xF4, 0x90, 0x80, 0x80]), CloseStatus.InvalidPayload },
        { "text ending inside a UTF-8 sequence (§8.1)", ClientFrames.Build(Opcode.Text, [0x61, 0xE2, 0x82]), CloseStatus.InvalidPayload },
        { "close with a 1-byte payload (§5.5.1)", ClientFrames.Build(Opcode.Close, [0x03]), CloseStatus.ProtocolError },
        { "close code 999 (§7.4)", ClientFrames.Close(999), CloseStatus.ProtocolError },
        { "close code 1005, never sent (§7.4.1)", ClientFrames.Close(1005), CloseStatus.ProtocolError },
        { "close code 1006, never sent (§7.4.1)", ClientFrames.Close(1006), CloseStatus.ProtocolError },
        { "close code 1015, never sent (§7.4.1)", ClientFrames.Close(1015), CloseStatus.ProtocolError },
        { "close code 5000 (§7.4.2)", ClientFrames.Close(5000), CloseStatus.ProtocolError },
        { "close reason not UTF-8 (§5.5.1)", ClientFrames.Build(Opcode.Close, ClientFrames.ClosePayload(1000, [0xFF, 0xFE])), CloseStatus.ProtocolError },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task A_violation_fails_the_connection_with_its_close_code(string why, byte[] bytes, ushort code)
    {
        var server = await StartServerAsync();
        await using (var client = await RawWebSocketClient.OpenAsync(UrlOf(server)))
        {
            await client.SendAsync(bytes);
            var close = await client.ReadCloseAsync();
            Assert.True(code == close.CloseCode, $"{why}: expected {code}, got {close.CloseCode} ({close.CloseReason})");
            Assert.True(await client.WaitForServerCloseAsync(), why + ": TCP should close after the Close frame");
        }
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task Invalid_utf8_fails_at_the_first_fragment_that_contains_it_without_waiting_for_the_end()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Text, "valid "u8.ToArray(), fin: false);
        await client.SendFrameAsync(Opcode.Continuation, [0xCE, 0xBA, 0xED, 0xA0, 0x80], fin: false); // surrogate
        // No final fragment is ever sent: the server must not wait for it.

        await AssertFailedWithAsync(client, CloseStatus.InvalidPayload);
    }

    [Fact]
    public async Task A_character_split_across_fragments_is_valid()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));
        var euro = Encoding.UTF8.GetBytes("€"); // E2 82 AC

        await client.SendFrameAsync(Opcode.Text, [0x61, euro[0]], fin: false);
        await client.SendFrameAsync(Opcode.Continuation, [euro[1]], fin: false);
        await client.SendFrameAsync(Opcode.Continuation, [euro[2], 0x62]);
        var echo = await client.ReadFrameAsync();

        Assert.Equal("a€b", Encoding.UTF8.GetString(echo.Payload));
    }

    [Fact]
    public async Task A_ping_is_answered_by_a_pong_with_the_same_payload()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Ping, "are you there"u8.ToArray());
        var pong = await client.ReadFrameAsync();

        Assert.Equal(Opcode.Pong, pong.Opcode);
        Assert.True(pong.Fin);
        Assert.False(pong.Masked);
        Assert.Equal("are you there", Encoding.UTF8.GetString(pong.Payload));
    }

    [Fact]
    public async Task Control_frames_between_fragments_are_handled_and_the_message_still_arrives_whole()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Binary, [1, 2], fin: false);
        await client.SendFrameAsync(Opcode.Ping, "p1"u8.ToArray());
        await client.SendFrameAsync(Opcode.Continuation, [3], fin: false);
        await client.SendFrameAsync(Opcode.Pong, "unsolicited"u8.ToArray());
        await client.SendFrameAsync(Opcode.Continuation, [4]);

        var pong = await client.ReadFrameAsync();
        var echo = await client.ReadFrameAsync();
        Assert.Equal((Opcode.Pong, "p1"), (pong.Opcode, Encoding.UTF8.GetString(pong.Payload)));
        Assert.Equal(Opcode.Binary, echo.Opcode);
        Assert.Equal([1, 2, 3, 4], echo.Payload);
    }

    [Fact]
    public async Task An_unsolicited_pong_gets_no_answer()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Pong, "nobody asked"u8.ToArray());
        await client.SendTextAsync("next");

        var frame = await client.ReadFrameAsync();
        Assert.Equal((Opcode.Text, "next"), (frame.Opcode, Encoding.UTF8.GetString(frame.Payload)));
    }

    [Fact]
    public async Task A_close_is_answered_with_the_same_code_and_then_tcp_closes()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendAsync(ClientFrames.Close(4321, "app specific"));

        var close = await client.ReadCloseAsync();
        Assert.Equal((ushort)4321, close.CloseCode);
        Assert.True(await client.WaitForServerCloseAsync());
    }

    [Fact]
    public async Task A_close_without_a_code_is_answered_with_1000()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Close, []);

        Assert.Equal(CloseStatus.Normal, (await client.ReadCloseAsync()).CloseCode);
        Assert.True(await client.WaitForServerCloseAsync());
    }

    [Fact]
    public async Task Messages_sent_before_the_close_are_echoed_before_the_close_reply()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendAsync([.. ClientFrames.Build(Opcode.Text, "last words"u8), .. ClientFrames.Close(1000)]);

        var echo = await client.ReadFrameAsync();
        Assert.Equal("last words", Encoding.UTF8.GetString(echo.Payload));
        Assert.Equal(CloseStatus.Normal, (await client.ReadCloseAsync()).CloseCode);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_fails_with_1009_before_its_payload_arrives()
    {
        var server = await StartServerAsync("actorwss.websocket.max-message-size=1KiB");
        await using (var client = await RawWebSocketClient.OpenAsync(UrlOf(server)))
        {
            // Only the header of a 2 KiB frame is sent: the server must decide from the header alone.
            await client.SendAsync(ClientFrames.Build(Opcode.Binary, [], declaredLength: 2048));
            await AssertFailedWithAsync(client, CloseStatus.MessageTooBig);
        }
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task Fragments_that_add_up_to_more_than_the_limit_fail_with_1009()
    {
        var server = await StartServerAsync("actorwss.websocket.max-message-size=1KiB");
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Binary, new byte[600], fin: false);
        await client.SendFrameAsync(Opcode.Continuation, new byte[600]);

        await AssertFailedWithAsync(client, CloseStatus.MessageTooBig);
    }

    [Fact]
    public async Task A_message_exactly_at_the_limit_is_echoed()
    {
        var server = await StartServerAsync("actorwss.websocket.max-message-size=1KiB");
        await using var client = await RawWebSocketClient.OpenAsync(UrlOf(server));

        await client.SendFrameAsync(Opcode.Binary, new byte[512], fin: false);
        await client.SendFrameAsync(Opcode.Continuation, new byte[512]);

        Assert.Equal(1024, (await client.ReadFrameAsync()).Payload.Length);
    }
}

public sealed class ProtocolOverWs(ITestOutputHelper output) : ProtocolScenarios(output, ServerMode.Ws);

public sealed class ProtocolOverWssInline(ITestOutputHelper output) : ProtocolScenarios(output, ServerMode.WssInline);

public sealed class ProtocolOverWssOffload(ITestOutputHelper output) : ProtocolScenarios(output, ServerMode.WssOffload);

public sealed class ProtocolOverWsAkkaStreamsTcp(ITestOutputHelper output) : ProtocolScenarios(output, ServerMode.WsAkkaStreamsTcp);

public sealed class ProtocolOverWsSocket(ITestOutputHelper output) : ProtocolScenarios(output, ServerMode.WsSocket);
