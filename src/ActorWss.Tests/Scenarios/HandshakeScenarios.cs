using System.Text;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Scenarios;

/// <summary>The opening handshake (RFC 6455 §4.2) on raw sockets: every malformed request gets its exact status.</summary>
public abstract class HandshakeScenarios(ITestOutputHelper output, ServerMode mode) : ServerScenario(output, mode)
{
    private const string Key = RawWebSocketClient.SampleKey;

    [Fact]
    public async Task A_valid_request_gets_101_with_the_accept_value_of_its_key()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));

        await client.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server)));
        var head = await client.ReadResponseHeadAsync();

        Assert.Equal("HTTP/1.1 101 Switching Protocols", head.StatusLine);
        Assert.Equal("websocket", head["Upgrade"], ignoreCase: true);
        Assert.Equal("Upgrade", head["Connection"], ignoreCase: true);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", head["Sec-WebSocket-Accept"]);
        Assert.Null(head["Sec-WebSocket-Protocol"]);
    }

    [Fact]
    public async Task A_request_sent_one_byte_at_a_time_is_understood()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));

        foreach (var b in Encoding.ASCII.GetBytes(RawWebSocketClient.UpgradeRequest(UrlOf(server))))
            await client.SendAsync([b]);
        var head = await client.ReadResponseHeadAsync();

        Assert.Equal(101, head.Status);
    }

    [Fact]
    public async Task A_frame_sent_in_the_same_packet_as_the_request_is_echoed()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));
        var request = Encoding.ASCII.GetBytes(RawWebSocketClient.UpgradeRequest(UrlOf(server)));

        await client.SendAsync([.. request, .. ClientFrames.Build(Opcode.Text, "early"u8)]);
        Assert.Equal(101, (await client.ReadResponseHeadAsync()).Status);
        var echo = await client.ReadFrameAsync();

        Assert.Equal("early", Encoding.UTF8.GetString(echo.Payload));
    }

    public static TheoryData<string, string, int> BadRequests => new()
    {
        { "POST instead of GET", $"POST / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n", 405 },
        { "HTTP/1.0", $"GET / HTTP/1.0\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n", 400 },
        { "no Host", $"GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n", 400 },
        { "two Hosts", $"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n", 400 },
        { "no Upgrade header", $"GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n", 400 },
        { "Connection without upgrade", $"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: keep-alive\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n", 400 },
        { "no key", "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", 400 },
        { "key of 15 bytes", "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA\r\nSec-WebSocket-Version: 13\r\n\r\n", 400 },
        { "key not base64", "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: !!!!!!!!!!!!!!!!!!!!!!==\r\nSec-WebSocket-Version: 13\r\n\r\n", 400 },
        { "version 8", $"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 8\r\n\r\n", 426 },
        { "no version", $"GET / HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {Key}\r\n\r\n", 426 },
        { "garbage request line", "HELLO\r\n\r\n", 400 },
        { "space before colon", $"GET / HTTP/1.1\r\nHost : h\r\nUpgrade: websocket\r\n\r\n", 400 },
        { "folded header", $"GET / HTTP/1.1\r\nHost: h\r\n continued\r\n\r\n", 400 },
        { "HTTP/2 in HTTP/1 syntax", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505 },
        { "plain GET of a page that is not there", "GET /nothing-here HTTP/1.1\r\nHost: h\r\n\r\n", 404 },
        { "upgrade to a path without a route", "GET /nothing-here HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", 404 },
        { "plain DELETE", "DELETE / HTTP/1.1\r\nHost: h\r\n\r\n", 405 },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_gets_its_status_and_the_connection_closes(string why, string request, int status)
    {
        var server = await StartServerAsync();
        await using (var client = await RawWebSocketClient.ConnectAsync(UrlOf(server)))
        {
            await client.SendAsync(request);
            var (head, body) = await client.ReadResponseAsync();

            Assert.True(status == head.Status, $"{why}: expected {status}, got {head.StatusLine} ({body.Trim()})");
            Assert.Equal("close", head["Connection"]);
            Assert.True(await client.WaitForServerCloseAsync(), why + ": the server should close after answering");
        }
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task A_wrong_version_is_answered_with_the_version_this_server_speaks()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));

        await client.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server)).Replace("Version: 13", "Version: 7"));
        var (head, _) = await client.ReadResponseAsync();

        Assert.Equal(426, head.Status);
        Assert.Equal("13", head["Sec-WebSocket-Version"]);
    }

    [Fact]
    public async Task A_comma_separated_connection_header_with_upgrade_in_any_case_is_accepted()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));

        await client.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server)).Replace("Connection: Upgrade", "Connection: keep-alive, UPGRADE")
            .Replace("Upgrade: websocket", "Upgrade: WebSocket"));

        Assert.Equal(101, (await client.ReadResponseHeadAsync()).Status);
    }

    [Fact]
    public async Task A_request_head_over_the_limit_gets_431()
    {
        var server = await StartServerAsync("actorwss.http.max-header-size=1KiB");
        await using (var client = await RawWebSocketClient.ConnectAsync(UrlOf(server)))
        {
            await client.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server), "/", RawWebSocketClient.SampleKey,
                "X-Padding: " + new string('p', 2000)));
            var (head, _) = await client.ReadResponseAsync();

            Assert.Equal(431, head.Status);
        }
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task Bytes_that_cannot_start_a_request_get_400_without_waiting_for_a_line_end()
    {
        // The handshake timeout is out of reach: the answer must come from the bytes themselves.
        var server = await StartServerAsync("actorwss.http.handshake-timeout=10m");
        await using (var client = await RawWebSocketClient.ConnectAsync(UrlOf(server)))
        {
            // The start of a TLS ClientHello record (RFC 8446 §5.1, content type 22), e.g. https:// to the ws:// port.
            await client.SendAsync([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xFC, 0x03, 0x03]);
            var (head, body) = await client.ReadResponseAsync();

            Assert.Equal(400, head.Status);
            Assert.Contains("TLS handshake", body);
            Assert.True(await client.WaitForServerCloseAsync(), "the server should close after answering");
        }
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task A_client_that_sends_nothing_is_dropped_at_the_handshake_timeout()
    {
        var server = await StartServerAsync("actorwss.http.handshake-timeout=500ms");

        var silent = ConnectAndThenAsync(UrlOf(server), _ => Task.CompletedTask);
        var slow = ConnectAndThenAsync(UrlOf(server), client => client.SendAsync("GET / HTTP/1.1\r\nHost: h\r\n"));

        Assert.True(await silent, "a client that says nothing should be dropped");
        Assert.True(await slow, "a client that never finishes its request should be dropped");
        await AssertServerStillEchoesAsync(server);
    }

    /// <summary>
    /// Connects, runs <paramref name="then"/>, and reports whether the server closed the connection. Over wss:// on a
    /// busy machine the timeout may strike during the TLS handshake already: that is a drop too.
    /// </summary>
    private static async Task<bool> ConnectAndThenAsync(Uri url, Func<RawWebSocketClient, Task> then)
    {
        RawWebSocketClient client;
        try { client = await RawWebSocketClient.ConnectAsync(url); }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { return true; }
        await using (client)
        {
            await then(client);
            return await client.WaitForServerCloseAsync(TimeSpan.FromSeconds(5));
        }
    }

    [Fact]
    public async Task Healthz_answers_200_ok_without_an_upgrade()
    {
        var server = await StartServerAsync();
        await using var client = await RawWebSocketClient.ConnectAsync(UrlOf(server));

        await client.SendAsync("GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n");
        var (head, body) = await client.ReadResponseAsync();

        Assert.Equal(200, head.Status);
        Assert.Equal("ok\n", body);
    }

    [Fact]
    public async Task An_origin_outside_the_allowed_list_gets_403_and_a_listed_one_is_accepted()
    {
        var server = await StartServerAsync("actorwss.http.allowed-origins=[\"https://good.example\"]");
        await using (var bad = await RawWebSocketClient.ConnectAsync(UrlOf(server)))
        {
            await bad.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server), "/", Key, "Origin: https://evil.example"));
            Assert.Equal(403, (await bad.ReadResponseAsync()).Head.Status);
        }
        await using var good = await RawWebSocketClient.ConnectAsync(UrlOf(server));
        await good.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server), "/", Key, "Origin: https://good.example"));
        Assert.Equal(101, (await good.ReadResponseHeadAsync()).Status);
    }

    [Fact]
    public async Task The_first_offered_subprotocol_that_the_server_speaks_is_chosen()
    {
        var server = await StartServerAsync("actorwss.websocket.subprotocols=[\"chat.v2\", \"chat.v1\"]");
        await using (var client = await RawWebSocketClient.ConnectAsync(UrlOf(server)))
        {
            await client.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server), "/", Key,
                "Sec-WebSocket-Protocol: mqtt, chat.v1", "Sec-WebSocket-Protocol: chat.v2"));
            Assert.Equal("chat.v1", (await client.ReadResponseHeadAsync())["Sec-WebSocket-Protocol"]);
        }
        await using var none = await RawWebSocketClient.ConnectAsync(UrlOf(server));
        await none.SendAsync(RawWebSocketClient.UpgradeRequest(UrlOf(server), "/", Key, "Sec-WebSocket-Protocol: mqtt"));
        var head = await none.ReadResponseHeadAsync();
        Assert.Equal(101, head.Status);
        Assert.Null(head["Sec-WebSocket-Protocol"]);
    }
}

public sealed class HandshakeOverWs(ITestOutputHelper output) : HandshakeScenarios(output, ServerMode.Ws);

public sealed class HandshakeOverWssInline(ITestOutputHelper output) : HandshakeScenarios(output, ServerMode.WssInline);

public sealed class HandshakeOverWssOffload(ITestOutputHelper output) : HandshakeScenarios(output, ServerMode.WssOffload);
