using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using ActorWss.Tests.Support;
using ActorWss.WebSocket;

namespace ActorWss.Tests.Reliability.Tls;

/// <summary>
/// A wss:// client whose every way of ending is a separate call: close_notify, FIN, RST, or just stopping. It
/// never closes anything on its own, so a test decides exactly what the server sees.
/// </summary>
internal sealed class TlsPeer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private TlsPeer(Socket socket, SslStream tls)
    {
        Socket = socket;
        Tls = tls;
    }

    public Socket Socket { get; }

    public SslStream Tls { get; }

    /// <summary>TCP connect and the TLS handshake, nothing more.</summary>
    public static async Task<TlsPeer> ConnectAsync(Uri url, string targetHost = "localhost")
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(url.Host, url.Port).WaitAsync(Timeout);
            var tls = new SslStream(new NetworkStream(socket, ownsSocket: false), leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
            }).WaitAsync(Timeout);
            return new TlsPeer(socket, tls);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Connects and upgrades to WebSocket (asserting 101).</summary>
    public static async Task<TlsPeer> OpenAsync(Uri url)
    {
        var peer = await ConnectAsync(url);
        await peer.WriteAsync(Encoding.ASCII.GetBytes(RawWebSocketClient.UpgradeRequest(url)));
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
        {
            Assert.Equal(1, await peer.Tls.ReadAsync(one).AsTask().WaitAsync(Timeout));
            head.Add(one[0]);
        }
        Assert.StartsWith("HTTP/1.1 101", Encoding.ASCII.GetString([.. head]));
        return peer;
    }

    public async Task WriteAsync(byte[] bytes)
    {
        await Tls.WriteAsync(bytes).AsTask().WaitAsync(Timeout);
        await Tls.FlushAsync();
    }

    /// <summary>One masked binary frame of <paramref name="size"/> bytes per message, written one by one.</summary>
    public async Task SendMessagesAsync(int count, int size)
    {
        var frame = ClientFrames.Build(Opcode.Binary, new byte[size]);
        for (int i = 0; i < count; i++) await WriteAsync(frame);
    }

    /// <summary>Reads one frame from the server (unmasked, RFC 6455 §5.2): its opcode and payload.</summary>
    public async Task<(Opcode Opcode, byte[] Payload)> ReadFrameAsync()
    {
        var header = await ReadExactlyAsync(2);
        long length = header[1] & 0x7F;
        if (length == 126) length = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(await ReadExactlyAsync(2));
        else if (length == 127) length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(await ReadExactlyAsync(8));
        return ((Opcode)(header[0] & 0x0F), await ReadExactlyAsync(checked((int)length)));
    }

    private async Task<byte[]> ReadExactlyAsync(int count)
    {
        var buffer = new byte[count];
        await Tls.ReadExactlyAsync(buffer).AsTask().WaitAsync(Timeout);
        return buffer;
    }

    /// <summary>close_notify (RFC 8446 §6.1): the TLS session's write side ends; TCP stays open.</summary>
    public Task CloseNotifyAsync() => Tls.ShutdownAsync().WaitAsync(Timeout);

    /// <summary>FIN: the TCP write side ends.</summary>
    public void Fin() => Socket.Shutdown(SocketShutdown.Send);

    /// <summary>RST instead of FIN.</summary>
    public void Reset()
    {
        Socket.LingerState = new LingerOption(true, 0);
        Socket.Close();
    }

    /// <summary>
    /// Reads (through TLS) and discards until the server ends the session. True for a clean end (close_notify, or
    /// EOF), false for a reset or a TLS error; throws on timeout.
    /// </summary>
    public async Task<bool> ReadToEndAsync()
    {
        var buffer = new byte[16 * 1024];
        using var cts = new CancellationTokenSource(Timeout);
        try
        {
            while (await Tls.ReadAsync(buffer, cts.Token) > 0) { }
            return true;
        }
        catch (IOException) { return false; }
    }

    /// <summary>Reads the raw socket (under TLS) until EOF or reset; throws on timeout.</summary>
    public async Task ReadSocketToEndAsync()
    {
        var buffer = new byte[16 * 1024];
        using var cts = new CancellationTokenSource(Timeout);
        try { while (await Socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0) { } }
        catch (SocketException) { }
    }

    public async ValueTask DisposeAsync()
    {
        try { await Tls.DisposeAsync(); }
        catch (Exception e) when (e is IOException or ObjectDisposedException or SocketException) { }
        Socket.Dispose();
    }
}
