using System.Net.Sockets;
using System.Text;
using ActorWss.Tests.Support;
using ActorWss.Tests.Tls;
using ActorWss.WebSocket;
using Xunit.Abstractions;

namespace ActorWss.Tests.Reliability.Tls;

/// <summary>
/// Every way a wss:// session can end, on a real server over loopback, in every TLS mode: each one ends the
/// connection (actor, TLS session, socket), leaves the connection count at zero, and is counted as what it was.
/// Fixed seeds, no timing thresholds: timeouts are the server's own, set short.
/// </summary>
public abstract class TlsSessionEndingScenarios(ITestOutputHelper output, TlsFaultMode mode) : TlsFaultScenario(output, mode)
{
    private static async Task<Socket> ConnectTcpAsync(Uri url)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(url.Host, url.Port).WaitAsync(TlsPeer.Timeout);
        return socket;
    }

    /// <summary>Reads (and drops) until the server closes or resets; throws on timeout.</summary>
    private static async Task ReadUntilClosedAsync(Socket socket)
    {
        var buffer = new byte[16 * 1024];
        using var cts = new CancellationTokenSource(TlsPeer.Timeout);
        try { while (await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0) { } }
        catch (SocketException) { }
    }

    [Fact]
    public async Task Close_notify_then_fin_ends_the_connection()
    {
        var server = await StartTlsServerAsync();
        await using var peer = await TlsPeer.OpenAsync(UrlOf(server));
        await peer.SendMessagesAsync(3, 64);

        await peer.CloseNotifyAsync();
        peer.Fin();

        Assert.True(await peer.ReadToEndAsync(), "the server should end with close_notify");
        await AssertAllConnectionsEndAsync(server);
        Assert.Equal(1, server.Metrics[Listener].TlsPeerCloses["close_notify"]);
    }

    [Fact]
    public async Task A_fin_without_close_notify_ends_the_connection_as_a_truncation()
    {
        var server = await StartTlsServerAsync();
        await using var peer = await TlsPeer.OpenAsync(UrlOf(server));
        await peer.SendMessagesAsync(3, 64);

        peer.Fin();

        Assert.True(await peer.ReadToEndAsync(), "the server should end with close_notify");
        await AssertAllConnectionsEndAsync(server);
        Assert.Equal(1, server.Metrics[Listener].TlsPeerCloses["truncated"]);
        Assert.Equal(0, server.Metrics[Listener].TlsSessionErrors);
    }

    [Fact]
    public async Task A_reset_in_the_middle_of_a_record_ends_the_connection()
    {
        var server = await StartTlsServerAsync();
        var peer = await TlsPeer.OpenAsync(UrlOf(server));

        await peer.Socket.SendAsync(new byte[] { 0x17, 0x03, 0x03, 0x03, 0xE8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }); // 10 of 1000 bytes
        peer.Reset();

        await AssertAllConnectionsEndAsync(server);
        await AssertServerStillEchoesAsync(server);
    }

    [Fact]
    public async Task Close_notify_while_the_server_is_writing_ends_the_connection()
    {
        var server = await StartTlsServerAsync();
        await using var peer = await TlsPeer.OpenAsync(UrlOf(server));

        await peer.SendMessagesAsync(1, 1024 * 1024); // its echo is being written while the peer closes
        await peer.CloseNotifyAsync();
        peer.Fin();

        await peer.ReadToEndAsync();
        await AssertAllConnectionsEndAsync(server);
    }

    [Fact]
    public async Task A_close_started_by_the_server_ends_the_connection()
    {
        var server = await StartTlsServerAsync();
        await using var peer = await TlsPeer.OpenAsync(UrlOf(server));

        var drain = server.DrainAsync(TimeSpan.FromSeconds(10));
        var (opcode, payload) = await peer.ReadFrameAsync();
        Assert.Equal(Opcode.Close, opcode);
        Assert.Equal(CloseStatus.GoingAway, (ushort)((payload[0] << 8) | payload[1]));
        await peer.WriteAsync(ClientFrames.Close(CloseStatus.GoingAway));
        Assert.True(await peer.ReadToEndAsync(), "the server should end with close_notify");
        await peer.CloseNotifyAsync();
        peer.Fin();

        Assert.Equal(0, await drain);
        await AssertAllConnectionsEndAsync(server);
    }

    [Fact]
    public async Task A_handshake_that_stalls_after_part_of_the_hello_ends_at_the_handshake_timeout()
    {
        var server = await StartTlsServerAsync("actorwss.tls.handshake-timeout=500ms", "actorwss.http.handshake-timeout=30s");
        var hello = ClientHellos.Recorded;
        using var socket = await ConnectTcpAsync(UrlOf(server));

        await socket.SendAsync(hello.AsMemory(0, hello.Length / 2)); // and then nothing

        await ReadUntilClosedAsync(socket);
        await AssertAllConnectionsEndAsync(server);
        Assert.Equal(1, server.Metrics[Listener].TlsHandshakes["timeout"]);
    }

    [Fact]
    public async Task A_connection_that_never_starts_the_handshake_ends_at_the_handshake_timeout()
    {
        var server = await StartTlsServerAsync("actorwss.tls.handshake-timeout=500ms", "actorwss.http.handshake-timeout=30s");
        using var socket = await ConnectTcpAsync(UrlOf(server));

        await ReadUntilClosedAsync(socket);

        await AssertAllConnectionsEndAsync(server);
        Assert.Equal(1, server.Metrics[Listener].TlsHandshakes["timeout"]);
    }

    [Fact]
    public async Task Garbage_ends_the_connection_as_a_protocol_failure()
    {
        var server = await StartTlsServerAsync();
        using var socket = await ConnectTcpAsync(UrlOf(server));
        var garbage = new byte[512];
        new Random(3).NextBytes(garbage);

        await socket.SendAsync(garbage);

        await ReadUntilClosedAsync(socket);
        await AssertAllConnectionsEndAsync(server);
        Assert.Equal(1, server.Metrics[Listener].TlsHandshakes["protocol"]);
    }

    [Fact]
    public async Task Plain_http_on_the_tls_port_ends_the_connection_as_a_protocol_failure()
    {
        var server = await StartTlsServerAsync();
        using var socket = await ConnectTcpAsync(UrlOf(server));

        await socket.SendAsync(Encoding.ASCII.GetBytes(RawWebSocketClient.UpgradeRequest(UrlOf(server))));

        await ReadUntilClosedAsync(socket);
        await AssertAllConnectionsEndAsync(server);
        Assert.Equal(1, server.Metrics[Listener].TlsHandshakes["protocol"]);
    }

    /// <summary>
    /// The peer sends until the server's echoes fill every buffer between them, then stops, reading nothing. The
    /// idle timeout starts a close whose Close frame cannot be sent, the close timeout gives up on it, and the
    /// transport resets the send that never progressed.
    /// </summary>
    [Fact]
    public async Task A_peer_that_never_reads_while_the_server_writes_ends_at_the_idle_and_close_timeouts()
    {
        var server = await StartTlsServerAsync("actorwss.websocket.idle-timeout=1s", "actorwss.websocket.close-timeout=1s");
        await using var peer = await TlsPeer.OpenAsync(UrlOf(server));
        peer.Socket.ReceiveBufferSize = 64 * 1024; // the echoes fill loopback's buffers sooner

        // 64 MiB of echoes cannot all sit in socket buffers: the server's writes stall, then its reads, then ours.
        var sending = Task.Run(async () =>
        {
            try { await peer.SendMessagesAsync(256, 256 * 1024); }
            catch (Exception e) when (e is IOException or TimeoutException or ObjectDisposedException) { }
        });

        await AssertAllConnectionsEndAsync(server, TimeSpan.FromSeconds(30));
        peer.Reset();
        await sending;
    }
}

public sealed class TlsSessionEndingsInline(ITestOutputHelper output) : TlsSessionEndingScenarios(output, TlsFaultMode.Inline);

public sealed class TlsSessionEndingsOffload(ITestOutputHelper output) : TlsSessionEndingScenarios(output, TlsFaultMode.Offload);

public sealed class TlsSessionEndingsAdaptive(ITestOutputHelper output) : TlsSessionEndingScenarios(output, TlsFaultMode.Adaptive);
